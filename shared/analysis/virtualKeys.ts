import { accountRootArn, kmsKeyArn, partitionOfRegion, viaServiceName } from '../arn/arn.ts';
import type { PolicyDocument } from '../policy/types.ts';
import type { KeyEntry } from '../state/stateIndex.ts';

/**
 * The policy AWS gives every aws/s3 key: any principal of the owning account may use it through S3
 * (AWS KMS Developer Guide, AWS managed keys; aws-facts §4.5). Used when a snapshot does not list the key,
 * since AWS creates it on first use.
 */
export function awsManagedS3Key(account: string, region: string): KeyEntry {
  const policy: PolicyDocument = {
    Version: '2012-10-17',
    Id: 'auto-s3-2',
    Statement: [
      {
        Sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': viaServiceName('s3', region) },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(account, partitionOfRegion(region)) },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
        Resource: '*',
      },
    ],
  };
  return {
    arn: kmsKeyArn(region, account, 'aws-s3-managed'),
    keyId: 'aws-s3-managed',
    accountId: account,
    region,
    state: 'Enabled',
    manager: 'AWS',
    policy,
    aliasNames: ['alias/aws/s3'],
  };
}
