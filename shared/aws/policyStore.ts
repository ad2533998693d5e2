import {
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import type { PolicyDocument } from '../policy/types.ts';
import type { PatchTarget, PolicyStore } from '../remediation/ports.ts';
import type { AwsClients } from './clients.ts';
import { AwsAdapterError, attempt, readOrNull } from './errors.ts';
import { documentFromAws } from './policyText.ts';
import type { TtlCache } from './ttlCache.ts';

/** The key policy's only name (KMS API reference, GetKeyPolicy/PutKeyPolicy). */
const KEY_POLICY_NAME = 'default';
const NO_SUCH_ENTITY = ['NoSuchEntityException', 'NoSuchEntity'];

function lastSegment(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

function bucketName(arn: string): string {
  return arn.split(':::')[1]?.split('/')[0] ?? arn;
}

function keyRegion(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new AwsAdapterError(`${arn} is not a KMS key ARN`);
  return region;
}

function inlineName(target: PatchTarget): string {
  if (!target.policyName)
    throw new AwsAdapterError(`${target.type} ${target.arn}: an inline policy needs a policy name`);
  return target.policyName;
}

function describe(operation: string, target: PatchTarget): string {
  const name = target.policyName ? ` policy ${target.policyName}` : '';
  return `${operation} on ${target.arn}${name} (account ${target.account})`;
}

/**
 * The documents a patch changes, in AWS: an inline role or user policy, a key policy, a bucket policy. Key policies
 * are written with the lockout safety check on (BypassPolicyLockoutSafetyCheck false) and never deleted. Every
 * write drops the shared read cache's entries of the account, so that the next analysis sees it.
 */
export class AwsPolicyStore implements PolicyStore {
  constructor(
    private readonly clients: AwsClients,
    private readonly cache: TtlCache | null = null,
  ) {}

  async read(target: PatchTarget): Promise<PolicyDocument | null> {
    const what = (operation: string) => describe(operation, target);
    let text: string | null | undefined;
    switch (target.type) {
      case 'iam-role': {
        const iam = await this.clients.iam(target.account);
        const answer = await readOrNull(what('iam:GetRolePolicy'), NO_SUCH_ENTITY, () =>
          iam.send(
            new GetRolePolicyCommand({ RoleName: lastSegment(target.arn), PolicyName: inlineName(target) }),
          ),
        );
        text = answer?.PolicyDocument;
        break;
      }
      case 'iam-user': {
        const iam = await this.clients.iam(target.account);
        const answer = await readOrNull(what('iam:GetUserPolicy'), NO_SUCH_ENTITY, () =>
          iam.send(
            new GetUserPolicyCommand({ UserName: lastSegment(target.arn), PolicyName: inlineName(target) }),
          ),
        );
        text = answer?.PolicyDocument;
        break;
      }
      case 'kms-key': {
        const kms = await this.clients.kms(target.account, keyRegion(target.arn));
        const answer = await attempt(what('kms:GetKeyPolicy'), () =>
          kms.send(new GetKeyPolicyCommand({ KeyId: target.arn, PolicyName: KEY_POLICY_NAME })),
        );
        text = answer.Policy;
        break;
      }
      case 's3-bucket': {
        const s3 = await this.clients.s3(target.account);
        const answer = await readOrNull(what('s3:GetBucketPolicy'), ['NoSuchBucketPolicy'], () =>
          s3.send(
            new GetBucketPolicyCommand({
              Bucket: bucketName(target.arn),
              ExpectedBucketOwner: target.account,
            }),
          ),
        );
        text = answer?.Policy;
        break;
      }
    }
    return text ? documentFromAws(text, describe('read', target)) : null;
  }

  async write(target: PatchTarget, document: PolicyDocument): Promise<void> {
    const text = JSON.stringify(document);
    const what = (operation: string) => describe(operation, target);
    switch (target.type) {
      case 'iam-role': {
        const iam = await this.clients.iam(target.account);
        await attempt(what('iam:PutRolePolicy'), () =>
          iam.send(
            new PutRolePolicyCommand({
              RoleName: lastSegment(target.arn),
              PolicyName: inlineName(target),
              PolicyDocument: text,
            }),
          ),
        );
        break;
      }
      case 'iam-user': {
        const iam = await this.clients.iam(target.account);
        await attempt(what('iam:PutUserPolicy'), () =>
          iam.send(
            new PutUserPolicyCommand({
              UserName: lastSegment(target.arn),
              PolicyName: inlineName(target),
              PolicyDocument: text,
            }),
          ),
        );
        break;
      }
      case 'kms-key': {
        const kms = await this.clients.kms(target.account, keyRegion(target.arn));
        await attempt(what('kms:PutKeyPolicy'), () =>
          kms.send(
            new PutKeyPolicyCommand({
              KeyId: target.arn,
              PolicyName: KEY_POLICY_NAME,
              Policy: text,
              // Never bypassed: KMS then refuses a policy that would lock the caller out of the key.
              BypassPolicyLockoutSafetyCheck: false,
            }),
          ),
        );
        break;
      }
      case 's3-bucket': {
        const s3 = await this.clients.s3(target.account);
        await attempt(what('s3:PutBucketPolicy'), () =>
          s3.send(
            new PutBucketPolicyCommand({
              Bucket: bucketName(target.arn),
              Policy: text,
              ExpectedBucketOwner: target.account,
            }),
          ),
        );
        break;
      }
    }
    this.cache?.invalidate(`${target.account}/`);
  }

  async remove(target: PatchTarget): Promise<void> {
    const what = (operation: string) => describe(operation, target);
    switch (target.type) {
      case 'iam-role': {
        const iam = await this.clients.iam(target.account);
        await attempt(what('iam:DeleteRolePolicy'), () =>
          iam.send(
            new DeleteRolePolicyCommand({
              RoleName: lastSegment(target.arn),
              PolicyName: inlineName(target),
            }),
          ),
        );
        break;
      }
      case 'iam-user': {
        const iam = await this.clients.iam(target.account);
        await attempt(what('iam:DeleteUserPolicy'), () =>
          iam.send(
            new DeleteUserPolicyCommand({
              UserName: lastSegment(target.arn),
              PolicyName: inlineName(target),
            }),
          ),
        );
        break;
      }
      case 'kms-key':
        throw new AwsAdapterError(
          `${what('remove')}: a key policy is never deleted; restore its before-image with write() instead`,
        );
      case 's3-bucket': {
        const s3 = await this.clients.s3(target.account);
        await attempt(what('s3:DeleteBucketPolicy'), () =>
          s3.send(
            new DeleteBucketPolicyCommand({
              Bucket: bucketName(target.arn),
              ExpectedBucketOwner: target.account,
            }),
          ),
        );
        break;
      }
    }
    this.cache?.invalidate(`${target.account}/`);
  }
}
