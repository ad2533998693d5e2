import { wildcardMatch } from '../evaluator/wildcard.ts';

/**
 * Actions the remediator never grants, whatever the configuration: each lets its holder change who may do what
 * (or destroy what protects the data), so granting one automatically would turn a fix into an escalation path.
 * `examples` are concrete actions a wildcard grant (e.g. `kms:Put*`) would reach, to catch grants that cover an
 * entry without naming it.
 */
export interface AdminAction {
  pattern: string;
  reason: string;
  examples: string[];
}

export const ADMIN_ACTIONS: readonly AdminAction[] = [
  {
    pattern: 'iam:*',
    reason: 'IAM changes identities and their policies: whoever holds it can grant themselves anything',
    examples: ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:CreatePolicyVersion', 'iam:PassRole'],
  },
  {
    pattern: 'organizations:*',
    reason: 'Organizations changes SCPs, RCPs and account membership, the guardrails above every account',
    examples: ['organizations:DetachPolicy', 'organizations:UpdatePolicy', 'organizations:LeaveOrganization'],
  },
  {
    pattern: 'sts:*',
    reason:
      'STS hands out other identities (AssumeRole and friends): a grant here is a grant of another role',
    examples: ['sts:AssumeRole', 'sts:GetFederationToken', 'sts:AssumeRoleWithWebIdentity'],
  },
  {
    pattern: 'kms:PutKeyPolicy',
    reason: 'the key policy decides who controls the key',
    examples: [],
  },
  {
    pattern: 'kms:CreateGrant',
    reason: 'grants delegate key use outside the key policy, to anyone the holder names',
    examples: [],
  },
  {
    pattern: 'kms:RetireGrant',
    reason: 'retiring grants cuts off other principals’ access',
    examples: [],
  },
  {
    pattern: 'kms:RevokeGrant',
    reason: 'revoking grants cuts off other principals’ access',
    examples: [],
  },
  {
    pattern: 'kms:ScheduleKeyDeletion',
    reason: 'deleting a key destroys every ciphertext under it',
    examples: [],
  },
  {
    pattern: 'kms:CancelKeyDeletion',
    reason: 'revives a key its owners chose to retire',
    examples: [],
  },
  {
    pattern: 'kms:Disable*',
    reason: 'disabling a key or its rotation stops data access or weakens the key',
    examples: ['kms:DisableKey', 'kms:DisableKeyRotation'],
  },
  {
    pattern: 'kms:EnableKey',
    reason: 're-enables a key its owners disabled on purpose',
    examples: [],
  },
  {
    pattern: 'kms:*Alias',
    reason: 'repointing an alias silently switches which key encrypts new data',
    examples: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
  },
  {
    pattern: 'kms:*ImportedKeyMaterial',
    reason: 'removing imported key material makes the key unusable',
    examples: ['kms:DeleteImportedKeyMaterial'],
  },
  {
    pattern: 'kms:ImportKeyMaterial',
    reason: 'replaces what the key encrypts with',
    examples: [],
  },
  {
    pattern: 'kms:*Resource',
    reason: 'key tags can decide access (ABAC); changing them changes who may use the key',
    examples: ['kms:TagResource', 'kms:UntagResource'],
  },
  {
    pattern: 'kms:ReplicateKey',
    reason: 'creates a copy of the key with a new key policy in another region',
    examples: [],
  },
  {
    pattern: 'kms:UpdatePrimaryRegion',
    reason: 'moves control of a multi-Region key',
    examples: [],
  },
  {
    pattern: 's3:PutBucketPolicy',
    reason: 'the bucket policy decides who may use the bucket',
    examples: [],
  },
  {
    pattern: 's3:DeleteBucketPolicy',
    reason: 'removing a bucket policy drops its denies',
    examples: [],
  },
  {
    pattern: 's3:Put*PublicAccessBlock',
    reason: 'public access blocks are account and bucket guardrails',
    examples: ['s3:PutBucketPublicAccessBlock', 's3:PutAccountPublicAccessBlock'],
  },
  {
    pattern: 's3:PutBucketAcl',
    reason: 'bucket ACLs grant access outside the policies',
    examples: [],
  },
  {
    pattern: 's3:PutBucketOwnershipControls',
    reason: 'ownership controls decide whether ACLs apply at all',
    examples: [],
  },
];

/** The admin entry a granted action (possibly a wildcard) reaches, or null. */
export function adminActionReachedBy(granted: string): AdminAction | null {
  for (const entry of ADMIN_ACTIONS) {
    if (wildcardMatch(entry.pattern, granted, { ignoreCase: true })) return entry;
    const concrete = [entry.pattern, ...entry.examples].filter((a) => !/[*?]/.test(a));
    if (concrete.some((action) => wildcardMatch(granted, action, { ignoreCase: true }))) return entry;
  }
  return null;
}
