/**
 * The policy kinds an AWS access-denied message can name, and how to recognise and say them.
 * The vocabulary is the message's own, not the evaluator's: a message says "resource-based policy"
 * where the evaluator knows a key policy or a bucket policy, and it can name a role trust policy.
 */
export type DeniedPolicyType =
  | 'identity'
  | 'resource'
  | 'permissions-boundary'
  | 'session-policy'
  | 'scp'
  | 'rcp'
  | 'vpc-endpoint-policy'
  | 'role-trust';

/**
 * The policy-type phrases AWS writes after "because no …" and "with an explicit deny in a …", as one
 * regex alternation. Spelling variants AWS is known to use are accepted: "sessions policy" (AWS's own
 * example), "permission(s) boundary", hyphen or space in "identity-based", "trust policy" with or
 * without "role".
 */
export const POLICY_TYPE_PHRASE =
  'identity[-\\s]based|resource[-\\s]based|permissions?[-\\s]+boundar(?:y|ies)|sessions?|service[-\\s]+control' +
  '|resource[-\\s]+control|vpc[-\\s]+endpoint|(?:role[-\\s]+)?trust';

/** Maps a phrase matched by POLICY_TYPE_PHRASE to its type; null for anything else. */
export function policyTypeFromPhrase(phrase: string): DeniedPolicyType | null {
  const words = phrase
    .toLowerCase()
    .replace(/[-\s]+/g, ' ')
    .trim();
  switch (words) {
    case 'identity based':
      return 'identity';
    case 'resource based':
      return 'resource';
    case 'permission boundary':
    case 'permissions boundary':
    case 'permission boundaries':
    case 'permissions boundaries':
      return 'permissions-boundary';
    case 'session':
    case 'sessions':
      return 'session-policy';
    case 'service control':
      return 'scp';
    case 'resource control':
      return 'rcp';
    case 'vpc endpoint':
      return 'vpc-endpoint-policy';
    case 'trust':
    case 'role trust':
      return 'role-trust';
    default:
      return null;
  }
}

const POLICY_TYPE_DESCRIPTIONS: Record<DeniedPolicyType, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  'permissions-boundary': 'permissions boundary',
  'session-policy': 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
  'vpc-endpoint-policy': 'VPC endpoint policy',
  'role-trust': 'role trust policy',
};

/** The phrase a person reads in a report reason, e.g. 'service control policy'. */
export function describePolicyType(type: DeniedPolicyType): string {
  return POLICY_TYPE_DESCRIPTIONS[type];
}
