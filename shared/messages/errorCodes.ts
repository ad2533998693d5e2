import type { KeyStateHint } from './keyReference.ts';

/**
 * Classifies CloudTrail `errorCode` values. Codes are compared case-insensitively and trimmed: AWS is
 * consistent here, but events reach us through hands (copies, tests) that are not.
 *
 * Authorization failures (a policy said no, or nothing said yes):
 * - `AccessDenied`: S3 (HTTP 403) and KMS records in CloudTrail.
 * - `AccessDeniedException`: the KMS API's exception name, as clients and some records show it.
 * - `Client.UnauthorizedOperation` / `UnauthorizedOperation`: EC2's authorization failure.
 * - `VpceAccessDenied`: CloudTrail network activity events, the only trace of a VPC endpoint policy denial.
 * - `KMS.AccessDenied` / `KMS.AccessDeniedException`: the form S3 would use to relay a KMS authorization
 *   failure, by analogy with the `KMS.*` key-state codes S3 relays. Not confirmed by AWS documentation
 *   (S3 has been seen to answer plain `AccessDenied` instead); accepted because the name cannot mean
 *   anything else.
 *
 * Not authorization failures, on purpose: authentication errors (`InvalidAccessKeyId`,
 * `SignatureDoesNotMatch`, `ExpiredToken`, `InvalidClientTokenId`: no policy is involved), S3
 * `AllAccessDisabled` (the account or object is blocked by AWS, not by a policy), and the KMS key-state
 * codes below, which say the key cannot be used whatever the policies say.
 */
const AUTHORIZATION_FAILURE_CODES = new Set([
  'accessdenied',
  'accessdeniedexception',
  'client.unauthorizedoperation',
  'unauthorizedoperation',
  'vpceaccessdenied',
  'kms.accessdenied',
  'kms.accessdeniedexception',
]);

/** KMS key-state codes as S3 relays them (`KMS.` prefix) or as KMS itself raises them. */
const RELAYED_KEY_STATE_CODES = new Set([
  'kms.disabledexception',
  'kms.kmsinvalidstateexception',
  'kms.notfoundexception',
]);
const DIRECT_KEY_STATE_CODES = new Set([
  'disabledexception',
  'kmsinvalidstateexception',
  'notfoundexception',
]);

const KMS_EVENT_SOURCE = 'kms.amazonaws.com';

function normalizeCode(errorCode: string | null | undefined): string {
  return typeof errorCode === 'string' ? errorCode.trim().toLowerCase() : '';
}

/** Whether the error code says a request was refused by authorization (policies), as listed above. */
export function isAuthorizationFailure(errorCode: string | null | undefined): boolean {
  return AUTHORIZATION_FAILURE_CODES.has(normalizeCode(errorCode));
}

/**
 * Whether the error code says the KMS key itself could not be used: disabled, pending deletion or
 * import, unavailable, being created, or not found (`KMS.DisabledException`, `KMS.KMSInvalidStateException`,
 * `KMS.NotFoundException` from S3; the same names without prefix from KMS).
 *
 * The unprefixed names are generic (`NotFoundException` is used by many services), so when
 * `eventSource` is given they count only for `kms.amazonaws.com`; the `KMS.`-prefixed ones count from
 * any source. `KMS.KeyUnavailableException` is left out: KMS documents it as a transient service-side
 * failure to retry, not a key state. `KMS.AccessDeniedException` is an authorization failure, not a key state.
 */
export function isKeyStateFailure(
  errorCode: string | null | undefined,
  eventSource?: string | null,
): boolean {
  const code = normalizeCode(errorCode);
  if (RELAYED_KEY_STATE_CODES.has(code)) return true;
  if (!DIRECT_KEY_STATE_CODES.has(code)) return false;
  return typeof eventSource !== 'string' || eventSource.trim().toLowerCase() === KMS_EVENT_SOURCE;
}

/**
 * What a key-state code alone says about the key: only `NotFoundException` is definite. KMS raises
 * `DisabledException` for a disabled key *and* for one pending deletion ("<key ARN> is pending
 * deletion."), and `KMSInvalidStateException` for several states, so those need the message to tell which.
 */
export function keyStateFromCode(errorCode: string | null | undefined): KeyStateHint | null {
  const code = normalizeCode(errorCode).replace(/^kms\./, '');
  return code === 'notfoundexception' ? 'NotFound' : null;
}

/** Whether the code is the network-activity record of a VPC endpoint policy denial. */
export function isVpceNetworkDenial(errorCode: string | null | undefined): boolean {
  return normalizeCode(errorCode) === 'vpceaccessdenied';
}
