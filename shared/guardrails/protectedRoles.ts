import { principalParts } from '../arn/arn.ts';
/**
 * Roles and users the remediator must never change or grant to, whatever the configuration:
 * - IAM Identity Center roles (`/aws-reserved/sso.amazonaws.com/`, `AWSReservedSSO_…`): IAM refuses changes to them
 *   and Identity Center overwrites them; their permissions belong in the permission set.
 * - service-linked roles (`/aws-service-role/`): AWS owns their policies.
 * - the remediator's own identities: a role or user named with its prefix, anything under the `/<prefix>/` path,
 *   and CloudFormation's generated names for its stacks (`<stack>-<LogicalId>-<suffix>`, StackSet instances
 *   `StackSet-<prefix>…`), so a denied call of its own can never make it grant itself more.
 */
export type ProtectedKind = 'identity-center-role' | 'service-linked-role' | 'remediator-principal';

export interface ProtectedPrincipal {
  kind: ProtectedKind;
  reason: string;
}

/** Path (with slashes) and name of an IAM role or user ARN; null for anything else. */
function pathAndName(arn: string): { path: string; name: string } | null {
  const parts = principalParts(arn);
  return parts?.kind === 'role' || parts?.kind === 'user' ? { path: parts.path, name: parts.name } : null;
}

export function protectedPrincipal(arn: string, remediatorPrefix: string): ProtectedPrincipal | null {
  const parts = pathAndName(arn);
  if (!parts) return null;
  const path = parts.path.toLowerCase();
  const name = parts.name.toLowerCase();
  const prefix = remediatorPrefix.toLowerCase();
  if (path.startsWith('/aws-reserved/sso.amazonaws.com/') || name.startsWith('awsreservedsso_'))
    return {
      kind: 'identity-center-role',
      reason:
        'an IAM Identity Center role: IAM refuses changes to it and Identity Center overwrites them; grant the access in its permission set',
    };
  if (path.startsWith('/aws-service-role/') || path.startsWith('/aws-reserved/'))
    return { kind: 'service-linked-role', reason: 'a role that AWS manages' };
  if (name.startsWith(prefix) || path.split('/').includes(prefix) || name.includes(`-${prefix}`))
    return { kind: 'remediator-principal', reason: "one of the remediator's own identities" };
  return null;
}
