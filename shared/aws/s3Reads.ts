import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  type ServerSideEncryptionConfiguration,
} from '@aws-sdk/client-s3';
import type { SnapshotBucket } from '../state/snapshotSchema.ts';
import { ACCESS_DENIED, readOrNull } from './errors.ts';
import { policyFromAws } from './policyText.ts';
import type { ReadContext } from './readContext.ts';

/** GetBucketLocation answers null/"" for us-east-1 and the legacy "EU" for eu-west-1. */
export function regionFromLocation(location: string | null | undefined): string {
  if (!location) return 'us-east-1';
  return location === 'EU' ? 'eu-west-1' : location;
}

function encryptionOf(config: ServerSideEncryptionConfiguration | undefined): SnapshotBucket['encryption'] {
  const rules = (config?.Rules ?? []).map((rule) => {
    const byDefault = rule.ApplyServerSideEncryptionByDefault;
    return {
      ...(byDefault?.SSEAlgorithm
        ? {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: byDefault.SSEAlgorithm as 'AES256' | 'aws:kms' | 'aws:kms:dsse',
              ...(byDefault.KMSMasterKeyID ? { KMSMasterKeyID: byDefault.KMSMasterKeyID } : {}),
            },
          }
        : {}),
      BucketKeyEnabled: rule.BucketKeyEnabled === true,
    };
  });
  return rules.length > 0 ? { Rules: rules } : null;
}

/**
 * A bucket as the snapshot holds it, read in `account` (ExpectedBucketOwner makes S3 refuse a bucket of another
 * account); null when the bucket does not exist there or cannot be read from it.
 */
export function readBucket(ctx: ReadContext, account: string, name: string): Promise<SnapshotBucket | null> {
  return ctx.cached(`${account}/s3/bucket/${name}`, async () => {
    const what = `bucket ${name} in ${account}`;
    const s3 = await ctx.clients.s3(account);
    const location = await readOrNull(
      `s3:GetBucketLocation ${what}`,
      ['NoSuchBucket', ...ACCESS_DENIED],
      () => s3.send(new GetBucketLocationCommand({ Bucket: name, ExpectedBucketOwner: account })),
    );
    if (!location) return null;
    const region = regionFromLocation(location.LocationConstraint);
    const regional = await ctx.clients.s3(account, region);
    const [policy, encryption] = await Promise.all([
      readOrNull(`s3:GetBucketPolicy ${what}`, ['NoSuchBucketPolicy'], () =>
        regional.send(new GetBucketPolicyCommand({ Bucket: name, ExpectedBucketOwner: account })),
      ),
      readOrNull(`s3:GetBucketEncryption ${what}`, ['ServerSideEncryptionConfigurationNotFoundError'], () =>
        regional.send(new GetBucketEncryptionCommand({ Bucket: name, ExpectedBucketOwner: account })),
      ),
    ]);
    return {
      name,
      region,
      policy: policy?.Policy ? policyFromAws(policy.Policy) : null,
      encryption: encryptionOf(encryption?.ServerSideEncryptionConfiguration),
    };
  });
}
