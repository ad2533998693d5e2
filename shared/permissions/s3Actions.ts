/**
 * The IAM action each S3 API call is authorized by, and whether it targets the bucket or an object
 * (Service Authorization Reference for Amazon S3; aws-facts §3). KMS needs are in s3KmsNeeds.ts.
 */
export interface S3ActionSpec {
  action: string;
  level: 'bucket' | 'object';
}

const object = (action: string): S3ActionSpec => ({ action, level: 'object' });
const bucket = (action: string): S3ActionSpec => ({ action, level: 'bucket' });

export const S3_ACTIONS: Readonly<Record<string, S3ActionSpec>> = {
  PutObject: object('s3:PutObject'),
  PostObject: object('s3:PutObject'),
  CopyObject: object('s3:PutObject'),
  CreateMultipartUpload: object('s3:PutObject'),
  UploadPart: object('s3:PutObject'),
  UploadPartCopy: object('s3:PutObject'),
  CompleteMultipartUpload: object('s3:PutObject'),
  AbortMultipartUpload: object('s3:AbortMultipartUpload'),
  ListParts: object('s3:ListMultipartUploadParts'),
  GetObject: object('s3:GetObject'),
  HeadObject: object('s3:GetObject'),
  GetObjectAttributes: object('s3:GetObjectAttributes'),
  SelectObjectContent: object('s3:GetObject'),
  RestoreObject: object('s3:RestoreObject'),
  DeleteObject: object('s3:DeleteObject'),
  DeleteObjects: object('s3:DeleteObject'),
  GetObjectAcl: object('s3:GetObjectAcl'),
  PutObjectAcl: object('s3:PutObjectAcl'),
  GetObjectTagging: object('s3:GetObjectTagging'),
  PutObjectTagging: object('s3:PutObjectTagging'),
  DeleteObjectTagging: object('s3:DeleteObjectTagging'),
  GetObjectRetention: object('s3:GetObjectRetention'),
  PutObjectRetention: object('s3:PutObjectRetention'),
  GetObjectLegalHold: object('s3:GetObjectLegalHold'),
  PutObjectLegalHold: object('s3:PutObjectLegalHold'),
  ListObjects: bucket('s3:ListBucket'),
  ListObjectsV2: bucket('s3:ListBucket'),
  HeadBucket: bucket('s3:ListBucket'),
  ListObjectVersions: bucket('s3:ListBucketVersions'),
  ListMultipartUploads: bucket('s3:ListBucketMultipartUploads'),
  GetBucketLocation: bucket('s3:GetBucketLocation'),
  GetBucketPolicy: bucket('s3:GetBucketPolicy'),
  PutBucketPolicy: bucket('s3:PutBucketPolicy'),
  DeleteBucketPolicy: bucket('s3:DeleteBucketPolicy'),
  GetBucketPolicyStatus: bucket('s3:GetBucketPolicyStatus'),
  GetBucketEncryption: bucket('s3:GetEncryptionConfiguration'),
  PutBucketEncryption: bucket('s3:PutEncryptionConfiguration'),
  DeleteBucketEncryption: bucket('s3:PutEncryptionConfiguration'),
  GetBucketAcl: bucket('s3:GetBucketAcl'),
  PutBucketAcl: bucket('s3:PutBucketAcl'),
  GetBucketVersioning: bucket('s3:GetBucketVersioning'),
  PutBucketVersioning: bucket('s3:PutBucketVersioning'),
  GetBucketTagging: bucket('s3:GetBucketTagging'),
  PutBucketTagging: bucket('s3:PutBucketTagging'),
  GetBucketLogging: bucket('s3:GetBucketLogging'),
  PutBucketLogging: bucket('s3:PutBucketLogging'),
  GetBucketLifecycle: bucket('s3:GetLifecycleConfiguration'),
  GetBucketLifecycleConfiguration: bucket('s3:GetLifecycleConfiguration'),
  PutBucketLifecycle: bucket('s3:PutLifecycleConfiguration'),
  PutBucketLifecycleConfiguration: bucket('s3:PutLifecycleConfiguration'),
  GetBucketNotification: bucket('s3:GetBucketNotification'),
  GetBucketNotificationConfiguration: bucket('s3:GetBucketNotification'),
  PutBucketNotification: bucket('s3:PutBucketNotification'),
  PutBucketNotificationConfiguration: bucket('s3:PutBucketNotification'),
  GetBucketReplication: bucket('s3:GetReplicationConfiguration'),
  PutBucketReplication: bucket('s3:PutReplicationConfiguration'),
  GetBucketCors: bucket('s3:GetBucketCORS'),
  PutBucketCors: bucket('s3:PutBucketCORS'),
  GetBucketWebsite: bucket('s3:GetBucketWebsite'),
  PutBucketWebsite: bucket('s3:PutBucketWebsite'),
  GetBucketOwnershipControls: bucket('s3:GetBucketOwnershipControls'),
  PutBucketOwnershipControls: bucket('s3:PutBucketOwnershipControls'),
  GetPublicAccessBlock: bucket('s3:GetBucketPublicAccessBlock'),
  PutPublicAccessBlock: bucket('s3:PutBucketPublicAccessBlock'),
  GetBucketObjectLockConfiguration: bucket('s3:GetBucketObjectLockConfiguration'),
  GetObjectLockConfiguration: bucket('s3:GetBucketObjectLockConfiguration'),
  PutObjectLockConfiguration: bucket('s3:PutBucketObjectLockConfiguration'),
  DeleteBucket: bucket('s3:DeleteBucket'),
};

/** The action of an object call on a specific version: IAM has separate *Version actions for those. */
export function versionedAction(action: string): string {
  switch (action) {
    case 's3:GetObject':
      return 's3:GetObjectVersion';
    case 's3:DeleteObject':
      return 's3:DeleteObjectVersion';
    case 's3:GetObjectAcl':
      return 's3:GetObjectVersionAcl';
    case 's3:PutObjectAcl':
      return 's3:PutObjectVersionAcl';
    case 's3:GetObjectTagging':
      return 's3:GetObjectVersionTagging';
    case 's3:PutObjectTagging':
      return 's3:PutObjectVersionTagging';
    case 's3:GetObjectAttributes':
      return 's3:GetObjectVersionAttributes';
    default:
      return action;
  }
}

/** Actions that the proof sweeps, so a patch is shown to grant nothing else on the resources it touches. */
export const S3_SWEEP_ACTIONS = [
  ...new Set(Object.values(S3_ACTIONS).map((spec) => spec.action)),
  's3:GetObjectVersion',
  's3:DeleteObjectVersion',
];
