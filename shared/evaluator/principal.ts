import { accountOfPrincipal, namesWholeAccount } from '../arn/arn.ts';
import { toArray } from '../policy/parseDocument.ts';
import type { PrincipalBlock } from '../policy/types.ts';
import type { CallerIdentity } from './types.ts';

/**
 * How a Principal element names the caller: its session ARN itself, the caller (its role or user ARN, or everyone),
 * its whole account, or not at all. A grant to the session is not cut by the role's boundary or session policies.
 */
export type PrincipalMatch = 'session' | 'direct' | 'account' | null;

/** Which account a principal value stands for when it names an account ("123456789012" or its root ARN). */
export function accountOfPrincipalValue(value: string): string | null {
  return namesWholeAccount(value) ? accountOfPrincipal(value) : null;
}

export function principalMatches(block: PrincipalBlock, caller: CallerIdentity): PrincipalMatch {
  if (block === '*') return 'direct';
  let best: PrincipalMatch = null;
  for (const [kind, values] of Object.entries(block)) {
    for (const value of toArray(values)) {
      const match = valueMatches(kind, value, caller);
      if (match === 'session') return 'session';
      if (match === 'direct') best = 'direct';
      else if (match === 'account' && best === null) best = 'account';
    }
  }
  return best;
}

function valueMatches(kind: string, value: string, caller: CallerIdentity): PrincipalMatch {
  if (kind === 'AWS') {
    if (value === '*') return 'direct';
    const account = accountOfPrincipalValue(value);
    if (account !== null) {
      if (account !== caller.accountId) return null;
      // The root user named by its account is the caller itself; anyone else gets the account's delegation.
      return caller.kind === 'root' ? 'direct' : 'account';
    }
    if (caller.sessionArn !== null && value === caller.sessionArn) return 'session';
    if (value === caller.arn) return 'direct';
    return null;
  }
  if (kind === 'Service') return caller.kind === 'service' && value === caller.arn ? 'direct' : null;
  return null;
}
