import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  type KeyMetadata,
  paginateListAliases,
} from '@aws-sdk/client-kms';
import type { SnapshotKey } from '../state/snapshotSchema.ts';
import { AwsAdapterError, attempt, readOrNull } from './errors.ts';
import { policyFromAws } from './policyText.ts';
import type { ReadContext } from './readContext.ts';

/** The members of `describe-key`'s KeyMetadata the engine reads, plus a few that help a person reading the snapshot. */
export function keyMetadataOf(
  meta: KeyMetadata & { Arn: string; KeyId: string },
): SnapshotKey['keyMetadata'] {
  return {
    KeyId: meta.KeyId,
    Arn: meta.Arn,
    ...(meta.AWSAccountId ? { AWSAccountId: meta.AWSAccountId } : {}),
    Enabled: meta.Enabled === true,
    KeyState: (meta.KeyState ?? 'Unavailable') as SnapshotKey['keyMetadata']['KeyState'],
    KeyManager: meta.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER',
    ...(meta.KeyUsage ? { KeyUsage: meta.KeyUsage } : {}),
    ...(meta.Origin ? { Origin: meta.Origin } : {}),
    ...(meta.Description !== undefined ? { Description: meta.Description } : {}),
    ...(meta.DeletionDate ? { DeletionDate: meta.DeletionDate.toISOString() } : {}),
    ...(meta.MultiRegion !== undefined ? { MultiRegion: meta.MultiRegion } : {}),
  };
}

/**
 * A key, its key policy ("default") and its aliases; `keyId` is a key ARN, alias ARN, alias name or key id.
 * Null when KMS does not know it (the engine then reports NotFound); a key whose policy cannot be read is an error,
 * since leaving it out would claim the key does not exist.
 */
export function readKey(
  ctx: ReadContext,
  account: string,
  region: string,
  keyId: string,
): Promise<SnapshotKey | null> {
  return ctx.cached(`${account}/kms/${region}/${keyId}`, async () => {
    const kms = await ctx.clients.kms(account, region);
    const described = await readOrNull(`kms:DescribeKey ${keyId} in ${account}`, ['NotFoundException'], () =>
      kms.send(new DescribeKeyCommand({ KeyId: keyId })),
    );
    const meta = described?.KeyMetadata;
    if (!meta?.Arn || !meta.KeyId) return null;
    const { Arn: arn, KeyId: id } = meta;
    // One key named two ways (ARN, alias) is read once.
    return ctx.cached(`${account}/kms/${region}/${arn}#policy`, async () => {
      const [policy, aliases] = await Promise.all([
        attempt(`kms:GetKeyPolicy ${arn}`, () =>
          kms.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' })),
        ),
        attempt(`kms:ListAliases ${arn}`, async () => {
          const result: SnapshotKey['aliases'] = [];
          for await (const page of paginateListAliases({ client: kms }, { KeyId: id }))
            for (const alias of page.Aliases ?? [])
              if (alias.AliasName)
                result.push({
                  AliasName: alias.AliasName,
                  ...(alias.AliasArn ? { AliasArn: alias.AliasArn } : {}),
                  TargetKeyId: alias.TargetKeyId ?? id,
                });
          return result;
        }),
      ]);
      if (!policy.Policy) throw new AwsAdapterError(`kms:GetKeyPolicy ${arn} returned no policy`);
      return {
        keyMetadata: keyMetadataOf({ ...meta, Arn: arn, KeyId: id }),
        policy: policyFromAws(policy.Policy),
        aliases,
      };
    });
  });
}
