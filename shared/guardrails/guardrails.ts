import { SID_PREFIX } from '../analysis/synthesize.ts';
import { accountOfPrincipal, isAccountId, namesWholeAccount, parseArn, s3Parts } from '../arn/arn.ts';
import { canonicalJson } from '../policy/canonical.ts';
import { statementsOf, toArray } from '../policy/parseDocument.ts';
import type { PolicyStatement } from '../policy/types.ts';
import type { Patch } from '../report/types.ts';
import type { StateIndex } from '../state/stateIndex.ts';
import { adminActionReachedBy } from './adminActions.ts';
import { isDataPlaneAction } from './dataPlaneActions.ts';
import { protectedPrincipal } from './protectedRoles.ts';

/**
 * Checks no configuration can turn off, run on every patch before it is applied or proposed. The engine already
 * synthesizes patches this way; these checks stand guard in case it (or a later change to it) ever does not.
 */
export type GuardrailRule =
  | 'removes-or-changes-statement'
  | 'adds-non-allow'
  | 'grants-by-exclusion'
  | 'wildcard-principal'
  | 'account-root-principal'
  | 'non-iam-principal'
  | 'service-linked-role'
  | 'identity-center-role'
  | 'remediator-principal'
  | 'outside-organization'
  | 'aws-managed-key'
  | 'admin-action'
  | 'not-data-plane-action'
  | 'wildcard-action'
  | 'wildcard-resource';

export interface GuardrailViolation {
  rule: GuardrailRule;
  /** The changed policy's target ARN. */
  target: string;
  detail: string;
}

export interface GuardrailContext {
  /** Names (case-insensitive prefix) of the remediator's own roles and users. */
  remediatorPrefix: string;
  /**
   * The accounts the remediator may change or grant to: the organization's when the state names it, else the
   * accounts the state describes.
   */
  organizationAccounts: ReadonlySet<string>;
  keyManagerOf(keyArn: string): 'AWS' | 'CUSTOMER' | null;
}

export function guardrailContextOf(state: StateIndex, remediatorPrefix: string): GuardrailContext {
  const org = state.organization;
  return {
    remediatorPrefix,
    organizationAccounts: org
      ? new Set([...org.parents.keys(), ...(org.managementAccountId ? [org.managementAccountId] : [])])
      : state.accounts,
    keyManagerOf: (arn) => state.keysByArn.get(arn)?.manager ?? null,
  };
}

/** The account in a key, role or user ARN; buckets' ARNs name none, so the patch's account stands for them. */
function accountOfTarget(arn: string): string | null {
  if (s3Parts(arn)) return null;
  const parts = parseArn(arn);
  return parts && isAccountId(parts.account) ? parts.account : 'unknown';
}

/** What granting to one IAM principal (by ARN or account id) would break. */
function principalViolations(
  principal: string,
  target: string,
  context: GuardrailContext,
): GuardrailViolation[] {
  const found: GuardrailViolation[] = [];
  const add = (rule: GuardrailRule, detail: string) => found.push({ rule, target, detail });
  if (principal.includes('*') || principal.includes('?')) {
    add('wildcard-principal', `grants to "${principal}", which names more than one principal`);
    return found;
  }
  if (namesWholeAccount(principal))
    add('account-root-principal', `grants to ${principal}, a whole account rather than one role or user`);
  const owned = protectedPrincipal(principal, context.remediatorPrefix);
  if (owned) add(owned.kind, `grants to ${principal}, ${owned.reason}`);
  const account = accountOfPrincipal(principal);
  if (!account || !context.organizationAccounts.has(account))
    add('outside-organization', `grants to ${principal}, outside the organization`);
  return found;
}

function statementPrincipalViolations(
  statement: PolicyStatement,
  target: string,
  context: GuardrailContext,
): GuardrailViolation[] {
  const principal = statement.Principal;
  if (principal === undefined || principal === '*')
    return [
      {
        rule: 'wildcard-principal',
        target,
        detail: principal === '*' ? 'grants to Principal "*"' : 'a resource-policy grant without a Principal',
      },
    ];
  const found: GuardrailViolation[] = [];
  for (const [kind, values] of Object.entries(principal)) {
    if (kind !== 'AWS') {
      found.push({
        rule: 'non-iam-principal',
        target,
        detail: `grants to a ${kind} principal; the remediator grants to IAM roles and users only`,
      });
      continue;
    }
    for (const value of toArray(values)) found.push(...principalViolations(value, target, context));
  }
  return found;
}

function isRemediatorOwned(statement: PolicyStatement): boolean {
  return statement.Effect === 'Allow' && (statement.Sid ?? '').startsWith(SID_PREFIX);
}

const covers = (wider: PolicyStatement['Action'], narrower: PolicyStatement['Action']): boolean => {
  const set = new Set(toArray(wider));
  return toArray(narrower).every((value) => set.has(value));
};

/** A remediator-owned Allow may grow (more actions or resources, same principal and condition); nothing else may change. */
function keptIn(before: PolicyStatement, after: PolicyStatement[], afterKeys: Set<string>): boolean {
  if (afterKeys.has(canonicalJson(before))) return true;
  if (!isRemediatorOwned(before)) return false;
  const successor = after.find((s) => s.Sid === before.Sid);
  return (
    successor !== undefined &&
    successor.Effect === 'Allow' &&
    canonicalJson(successor.Principal ?? null) === canonicalJson(before.Principal ?? null) &&
    canonicalJson(successor.Condition ?? null) === canonicalJson(before.Condition ?? null) &&
    successor.NotAction === undefined &&
    successor.NotResource === undefined &&
    before.NotAction === undefined &&
    before.NotResource === undefined &&
    covers(successor.Action, before.Action) &&
    covers(successor.Resource, before.Resource)
  );
}

function statementViolations(
  statement: PolicyStatement,
  patch: Patch,
  context: GuardrailContext,
): GuardrailViolation[] {
  const target = patch.target.arn;
  const found: GuardrailViolation[] = [];
  const add = (rule: GuardrailRule, detail: string) => found.push({ rule, target, detail });
  if (statement.Effect !== 'Allow') add('adds-non-allow', `adds a ${statement.Effect} statement`);
  if (statement.NotAction !== undefined || statement.NotResource !== undefined || statement.NotPrincipal)
    add(
      'grants-by-exclusion',
      'adds NotAction, NotResource or NotPrincipal, which grant everything not listed',
    );
  for (const action of toArray(statement.Action)) {
    const admin = adminActionReachedBy(action);
    const wildcard = /[*?]/.test(action);
    if (wildcard) add('wildcard-action', `grants "${action}", which names more than one action`);
    if (admin) add('admin-action', `grants ${action}, reaching ${admin.pattern}: ${admin.reason}`);
    else if (!wildcard && !isDataPlaneAction(action))
      add(
        'not-data-plane-action',
        `grants ${action}, which is not one of the data-plane actions it may grant`,
      );
  }
  // In a key policy, Resource "*" means that key only; anywhere else it means everything.
  if (patch.target.type !== 'kms-key' && toArray(statement.Resource).includes('*'))
    add('wildcard-resource', 'grants on Resource "*"');
  if (patch.target.type === 'kms-key' || patch.target.type === 's3-bucket')
    found.push(...statementPrincipalViolations(statement, target, context));
  return found;
}

/** Every guardrail one patch breaks; an empty list means it may be proposed or applied. */
export function patchViolations(patch: Patch, context: GuardrailContext): GuardrailViolation[] {
  const target = patch.target.arn;
  const found: GuardrailViolation[] = [];
  const before = patch.before ? statementsOf(patch.before) : [];
  const after = statementsOf(patch.after);
  const afterKeys = new Set(after.map((s) => canonicalJson(s)));
  const beforeKeys = new Set(before.map((s) => canonicalJson(s)));
  for (const statement of before) {
    if (!keptIn(statement, after, afterKeys)) {
      found.push({
        rule: 'removes-or-changes-statement',
        target,
        detail: `removes or changes the existing ${statement.Effect} statement ${statement.Sid ? `"${statement.Sid}"` : canonicalJson(statement)}`,
      });
    }
  }
  for (const statement of after) {
    if (!beforeKeys.has(canonicalJson(statement)))
      found.push(...statementViolations(statement, patch, context));
  }
  const targetAccount = accountOfTarget(target);
  if (
    !context.organizationAccounts.has(patch.account) ||
    (targetAccount !== null && targetAccount !== patch.account)
  )
    found.push({
      rule: 'outside-organization',
      target,
      detail: `changes a policy of account ${patch.account}, outside the organization`,
    });
  if (patch.target.type === 'kms-key' && context.keyManagerOf(target) === 'AWS')
    found.push({ rule: 'aws-managed-key', target, detail: 'changes the policy of an AWS managed key' });
  // An identity policy grants to the role or user it is attached to.
  if (patch.target.type === 'iam-role' || patch.target.type === 'iam-user')
    found.push(...principalViolations(target, target, context));
  return found;
}

export function guardrailViolations(patches: Patch[], context: GuardrailContext): GuardrailViolation[] {
  return patches.flatMap((patch) => patchViolations(patch, context));
}

export function describeViolations(violations: readonly GuardrailViolation[]): string {
  return violations.map((v) => `${v.rule} on ${v.target}: ${v.detail}`).join('; ');
}
