import { isAccountId, kmsKeyArn, kmsParts } from '../arn/arn.ts';
import type { KeyReference } from '../permissions/types.ts';
import type { KeyEntry, StateIndex } from './stateIndex.ts';

export type KeyResolution =
  | { kind: 'found'; key: KeyEntry }
  /** The bucket owner's aws/s3 key, which AWS creates on first use; the snapshot need not list it. */
  | { kind: 'aws-managed-default'; account: string; region: string; arn: string | null }
  | { kind: 'not-found'; arn: string | null; description: string }
  | { kind: 'wrong-region'; arn: string; keyRegion: string; requestRegion: string }
  | { kind: 'unknown-account'; account: string; description: string };

/** A key or alias ARN with a real account. */
function kmsArn(
  value: string,
  kind: 'key' | 'alias',
): { region: string; account: string; id: string } | null {
  const parts = kmsParts(value);
  return parts?.kind === kind && isAccountId(parts.account) ? parts : null;
}
const AWS_S3_ALIAS = 'alias/aws/s3';

function byAlias(
  state: StateIndex,
  account: string,
  region: string,
  alias: string,
  requestRegion: string,
): KeyResolution {
  if (!state.accounts.has(account)) {
    return { kind: 'unknown-account', account, description: `${alias} in account ${account}` };
  }
  const arn = state.aliases.get(`${account}/${region}/${alias}`);
  if (arn) return found(state, arn, requestRegion);
  if (alias === AWS_S3_ALIAS) return { kind: 'aws-managed-default', account, region, arn: null };
  return {
    kind: 'not-found',
    arn: null,
    description: `${alias} does not exist in account ${account} (${region})`,
  };
}

function found(state: StateIndex, arn: string, requestRegion: string): KeyResolution {
  const match = kmsArn(arn, 'key');
  const region = match?.region ?? '';
  if (region !== requestRegion) return { kind: 'wrong-region', arn, keyRegion: region, requestRegion };
  const account = match?.account ?? '';
  if (!state.accounts.has(account)) {
    return { kind: 'unknown-account', account, description: `key ${arn}` };
  }
  const key = state.keysByArn.get(arn);
  if (key) return { kind: 'found', key };
  return { kind: 'not-found', arn, description: `key ${arn} is not among account ${account}'s keys` };
}

/** Resolves a key as KMS would for the request: ARNs name their account and region, bare ids and aliases do not. */
export function resolveKey(state: StateIndex, ref: KeyReference): KeyResolution {
  const { value, account, region } = ref;
  if (value === null) return byAlias(state, account, region, AWS_S3_ALIAS, region);
  if (kmsArn(value, 'key')) return found(state, value, region);
  const aliasArn = kmsArn(value, 'alias');
  if (aliasArn) {
    if (aliasArn.region !== region)
      return { kind: 'wrong-region', arn: value, keyRegion: aliasArn.region, requestRegion: region };
    return byAlias(state, aliasArn.account, aliasArn.region, `alias/${aliasArn.id}`, region);
  }
  if (value.startsWith('alias/')) return byAlias(state, account, region, value, region);
  return found(state, kmsKeyArn(region, account, value), region);
}

/** Whether a key reference in a bucket's default encryption is something other than a full key ARN. */
export function isIndirectKeyReference(value: string | null): boolean {
  return value !== null && kmsArn(value, 'key') === null;
}
