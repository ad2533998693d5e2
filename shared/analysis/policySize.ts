import type { PolicyDocument } from '../policy/types.ts';

/** The size limits AWS enforces on each kind of policy a patch can change (aws-facts §6). */
export const POLICY_LIMITS = {
  /** All inline policies of a role together, whitespace not counted. */
  roleInlineChars: 10_240,
  /** All inline policies of a user together, whitespace not counted. */
  userInlineChars: 2_048,
  managedPolicyChars: 6_144,
  keyPolicyBytes: 32_768,
  bucketPolicyBytes: 20_480,
} as const;

/** IAM counts characters of the policy without whitespace. */
export function iamPolicyChars(document: PolicyDocument): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/** Key and bucket policies are limited in bytes of the document as stored (we store it compact). */
export function documentBytes(document: PolicyDocument): number {
  return Buffer.byteLength(JSON.stringify(document), 'utf8');
}
