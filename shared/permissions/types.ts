/** Where a KMS key was named, which decides how a bare key id or alias resolves. */
export interface KeyReference {
  /** As written: key ARN, key id, alias name, alias ARN; null for the bucket owner's AWS managed aws/s3 key. */
  value: string | null;
  source: 'request' | 'resources' | 'message' | 'bucket-default';
  /** The account in which a bare key id or alias name resolves. */
  account: string;
  /** The region of the request the key is used in (the bucket's region for S3 calls). */
  region: string;
}

export type NeedResource =
  | { kind: 's3-object'; bucket: string; key: string; arn: string }
  | { kind: 's3-bucket'; bucket: string; arn: string }
  | { kind: 'kms-key'; ref: KeyReference }
  | { kind: 'none' };

/** S3 called KMS on the caller's behalf (a forward access session) for this object. */
export interface ViaS3 {
  region: string;
  bucket: string;
  objectArn: string | null;
}

/** One permission a failed call needed. */
export interface PermissionNeed {
  action: string;
  resource: NeedResource;
  viaS3: ViaS3 | null;
  /** Actions a patch grants with this one: CreateMultipartUpload's parts need kms:Decrypt next. */
  alsoGrant: string[];
}

export type NeedsResult = { ok: true; needs: PermissionNeed[] } | { ok: false; reason: string };
