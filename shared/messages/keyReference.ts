import { kmsParts } from '../arn/arn.ts';
/** KMS key references as messages name them, and the key states messages report. */

/**
 * A key state read from a message. PendingReplicaDeletion is reported as PendingDeletion (same effect:
 * the key cannot be used until deletion is cancelled); NotFound covers missing keys and aliases.
 */
export type KeyStateHint =
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'Unavailable'
  | 'Creating'
  | 'NotFound';

/** The state words KMS writes after "<key> is" (key-state table of the KMS developer guide). */
export const KEY_STATE_PHRASE =
  'disabled|pending\\s+replica\\s+deletion|pending\\s+deletion|pending\\s+import|unavailable|creating';

export function keyStateFromPhrase(phrase: string): KeyStateHint | null {
  const words = phrase.toLowerCase().replace(/\s+/g, ' ');
  switch (words) {
    case 'disabled':
      return 'Disabled';
    case 'pending deletion':
    case 'pending replica deletion':
      return 'PendingDeletion';
    case 'pending import':
      return 'PendingImport';
    case 'unavailable':
      return 'Unavailable';
    case 'creating':
      return 'Creating';
    default:
      return null;
  }
}

// The account part is not checked to be 12 digits: documentation (and our seeds) redact it ("XXXXXXXX9645").
const KEY_ID_TEXT = /^[A-Za-z0-9-]+$/;
const ALIAS_TEXT = /^[A-Za-z0-9/_-]+$/;
const isKeyArn = (value: string): boolean => {
  const parts = kmsParts(value);
  return parts?.kind === 'key' && parts.account !== '' && KEY_ID_TEXT.test(parts.id);
};
const isAliasArn = (value: string): boolean => {
  const parts = kmsParts(value);
  return parts?.kind === 'alias' && parts.account !== '' && ALIAS_TEXT.test(parts.id);
};
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const ALIAS_NAME = /^alias\/[A-Za-z0-9/_-]+$/;

/** A KMS key ARN (not an alias ARN). */
export function isKmsKeyArn(value: string): boolean {
  return isKeyArn(value);
}

/** Anything KMS accepts as a key reference: key ARN, alias ARN, key id, multi-Region key id, alias name. */
export function isKeyReference(value: string): boolean {
  return isKeyArn(value) || isAliasArn(value) || KEY_ID.test(value) || ALIAS_NAME.test(value);
}
