import type { Patch } from '../report/types.ts';
import type { BucketEntry, KeyEntry, PrincipalEntry, StateIndex } from '../state/stateIndex.ts';
import { REMEDIATOR_POLICY_NAME } from './synthesize.ts';

/** The state as it would be with the patches applied; the original index is left untouched. */
export function applyPatches(state: StateIndex, patches: Patch[]): StateIndex {
  let principalsByArn: Map<string, PrincipalEntry> | null = null;
  let principalsByUniqueId: Map<string, PrincipalEntry> | null = null;
  let keysByArn: Map<string, KeyEntry> | null = null;
  let buckets: Map<string, BucketEntry> | null = null;
  for (const patch of patches) {
    const { type, arn } = patch.target;
    if (type === 'iam-role' || type === 'iam-user') {
      principalsByArn ??= new Map(state.principalsByArn);
      principalsByUniqueId ??= new Map(state.principalsByUniqueId);
      const current = principalsByArn.get(arn);
      if (!current) continue;
      const others = current.inlinePolicies.filter((p) => p.name !== patch.policyName);
      const updated: PrincipalEntry = {
        ...current,
        inlinePolicies: [
          ...others,
          { name: patch.policyName ?? REMEDIATOR_POLICY_NAME, document: patch.after },
        ],
      };
      principalsByArn.set(arn, updated);
      if (updated.uniqueId) principalsByUniqueId.set(updated.uniqueId, updated);
    } else if (type === 'kms-key') {
      keysByArn ??= new Map(state.keysByArn);
      const current = keysByArn.get(arn);
      if (current) keysByArn.set(arn, { ...current, policy: patch.after });
    } else {
      buckets ??= new Map(state.buckets);
      const name = arn.split(':::')[1] ?? '';
      const current = buckets.get(name);
      if (current) buckets.set(name, { ...current, policy: patch.after });
    }
  }
  return {
    ...state,
    principalsByArn: principalsByArn ?? state.principalsByArn,
    principalsByUniqueId: principalsByUniqueId ?? state.principalsByUniqueId,
    keysByArn: keysByArn ?? state.keysByArn,
    buckets: buckets ?? state.buckets,
  };
}
