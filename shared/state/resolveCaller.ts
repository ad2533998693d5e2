import { accountRootArn } from '../arn/arn.ts';
import type { CallerIdentity } from '../evaluator/types.ts';
import type { CallerRef } from '../events/types.ts';
import type { PrincipalEntry, StateIndex } from './stateIndex.ts';

export type CallerResolution =
  | { ok: true; identity: CallerIdentity; principal: PrincipalEntry | null }
  | { ok: false; reason: string };

function findRole(
  state: StateIndex,
  accountId: string,
  roleArn: string | null,
  roleName: string,
): PrincipalEntry | null {
  if (roleArn) {
    const byArn = state.principalsByArn.get(roleArn);
    if (byArn) return byArn;
  }
  // An assumed-role ARN drops the role's path: find the role by name in its account.
  for (const entry of state.principalsByArn.values()) {
    if (entry.kind === 'role' && entry.accountId === accountId && entry.name === roleName) return entry;
  }
  return null;
}

/** Resolves the event's caller against the snapshot: sessions to their role, unique ids to their principal. */
export function resolveCaller(state: StateIndex, ref: CallerRef, partition: string): CallerResolution {
  switch (ref.type) {
    case 'role': {
      const principal = findRole(state, ref.accountId, ref.roleArn, ref.roleName);
      if (!principal) {
        const where = state.accounts.has(ref.accountId)
          ? ''
          : ` (account ${ref.accountId} is not in the snapshot)`;
        return { ok: false, reason: `role ${ref.roleArn ?? ref.roleName} is not in the snapshot${where}` };
      }
      return {
        ok: true,
        principal,
        identity: {
          accountId: principal.accountId,
          kind: 'role',
          arn: principal.arn,
          sessionArn: ref.sessionArn,
        },
      };
    }
    case 'user': {
      const principal = state.principalsByArn.get(ref.arn);
      if (!principal) return { ok: false, reason: `user ${ref.arn} is not in the snapshot` };
      return {
        ok: true,
        principal,
        identity: { accountId: ref.accountId, kind: 'user', arn: ref.arn, sessionArn: null },
      };
    }
    case 'root':
      return {
        ok: true,
        principal: null,
        identity: {
          accountId: ref.accountId,
          kind: 'root',
          arn: accountRootArn(ref.accountId, partition),
          sessionArn: null,
        },
      };
    case 'federated': {
      const principal = ref.issuerArn ? state.principalsByArn.get(ref.issuerArn) : undefined;
      if (!principal)
        return {
          ok: false,
          reason: `the IAM user behind federated session ${ref.sessionArn} is not in the snapshot`,
        };
      return {
        ok: true,
        principal,
        identity: {
          accountId: ref.accountId,
          kind: 'federated',
          arn: principal.arn,
          sessionArn: ref.sessionArn,
        },
      };
    }
    case 'account': {
      const uniqueId = ref.principalId?.split(':')[0] ?? '';
      const principal = uniqueId ? state.principalsByUniqueId.get(uniqueId) : undefined;
      if (!principal) {
        return {
          ok: false,
          reason: `the caller from account ${ref.accountId} (principal id ${ref.principalId ?? 'unknown'}) is not in the snapshot`,
        };
      }
      return {
        ok: true,
        principal,
        identity: {
          accountId: principal.accountId,
          kind: principal.kind,
          arn: principal.arn,
          sessionArn: null,
        },
      };
    }
    case 'service':
      return {
        ok: false,
        reason: `the call was made by ${ref.service} itself, not by a principal a policy patch could name`,
      };
    case 'unknown':
      return { ok: false, reason: `the caller cannot be identified (${ref.description})` };
  }
}
