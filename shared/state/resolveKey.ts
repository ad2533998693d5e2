import type { KeyReference } from '../permissions/types.ts';
import type { KeyEntry, StateIndex } from './stateIndex.ts';

export type KeyResolution =
  | { kind: 'found'; key: KeyEntry }
  /** The bucket owner's aws/s3 key, which AWS creates on first use; the snapshot need not list it. */
  | { kind: 'aws-managed-default'; account: string; region: string; arn: string | null }
  | { kind: 'not-found'; arn: string | null; description: string }
  | { kind: 'wrong-region'; arn: string; keyRegion: string; requestRegion: string }
  | { kind: 'unknown-account'; account: string; description: string };

const KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;
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
  const match = KEY_ARN.exec(arn);
  const region = match?.[2] ?? '';
  if (region !== requestRegion) return { kind: 'wrong-region', arn, keyRegion: region, requestRegion };
  const account = match?.[3] ?? '';
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
  const keyArn = KEY_ARN.exec(value);
  if (keyArn) return found(state, value, region);
  const aliasArn = ALIAS_ARN.exec(value);
  if (aliasArn) {
    if (aliasArn[2] !== region)
      return { kind: 'wrong-region', arn: value, keyRegion: aliasArn[2]!, requestRegion: region };
    return byAlias(state, aliasArn[3]!, aliasArn[2]!, aliasArn[4]!, region);
  }
  if (value.startsWith('alias/')) return byAlias(state, account, region, value, region);
  return found(state, `arn:aws:kms:${region}:${account}:key/${value}`, region);
}

/** Whether a key reference in a bucket's default encryption is something other than a full key ARN. */
export function isIndirectKeyReference(value: string | null): boolean {
  return value !== null && !KEY_ARN.test(value);
}
