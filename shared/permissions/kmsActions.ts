/** KMS API calls whose IAM action is not simply `kms:<ApiName>`, and the ones that take no key. */
const NOT_ON_A_KEY = new Set([
  'CreateKey',
  'ListKeys',
  'ListAliases',
  'GenerateRandom',
  'CreateCustomKeyStore',
  'DescribeCustomKeyStores',
  'ConnectCustomKeyStore',
  'DisconnectCustomKeyStore',
  'DeleteCustomKeyStore',
  'UpdateCustomKeyStore',
  'ListRetirableGrants',
]);

export function kmsActionTakesKey(eventName: string): boolean {
  return !NOT_ON_A_KEY.has(eventName);
}

/** The cryptographic and key-use actions the proof sweeps on every key a patch touches. */
export const KMS_SWEEP_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:DescribeKey',
  'kms:CreateGrant',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:ListGrants',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:Sign',
  'kms:Verify',
  'kms:GenerateMac',
];
