/**
 * The only actions the remediator ever grants: reading and writing data in buckets and using keys for it. An
 * allow-list, because a deny-list of dangerous actions is only as good as the last one someone remembered: whatever
 * an auto-apply rule says (`s3:Put*`, `kms:*`), administration and destruction (bucket policies and ACLs, lifecycle,
 * replication, encryption and versioning settings, Object Lock, key policies, grants, aliases, tags, deletion) stay
 * with people.
 *
 * `s3:PutObjectAcl` is in: uploads that set a canned ACL need it (KC-003), it reaches only the grantee's own
 * prefix, and S3 Block Public Access and Object Ownership still decide whether an ACL takes effect. Left out on
 * purpose, though they act on objects: `s3:PutObjectRetention`/`PutObjectLegalHold` (they govern deletion),
 * `s3:DeleteObjectVersion` (permanent deletion), `s3:RestoreObject` (cost, not access).
 */
const DATA_PLANE_ACTIONS: readonly string[] = [
  // Objects
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectAttributes',
  's3:GetObjectVersionAttributes',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
  's3:GetObjectAcl',
  's3:GetObjectVersionAcl',
  's3:GetObjectRetention',
  's3:GetObjectLegalHold',
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  // Buckets: listing and locating, nothing that changes them
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:ListBucketMultipartUploads',
  's3:GetBucketLocation',
  // Keys: cryptographic use only
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:DescribeKey',
  'kms:GetPublicKey',
  'kms:Sign',
  'kms:Verify',
  'kms:GenerateMac',
  'kms:VerifyMac',
  'kms:DeriveSharedSecret',
];

const ALLOWED = new Set(DATA_PLANE_ACTIONS.map((action) => action.toLowerCase()));

/** Whether a granted action (as written in a statement) is one data-plane action; a wildcard never is. */
export function isDataPlaneAction(action: string): boolean {
  return ALLOWED.has(action.toLowerCase());
}
