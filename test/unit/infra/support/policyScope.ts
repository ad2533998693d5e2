import type { CfnTemplate } from './cfnYaml.ts';
import { referenceAction, supportsConditionKey, supportsResourceLevel } from './iamReference.ts';

/** One statement of an identity policy attached to a role of a template, with where it came from. */
export interface RoleStatement {
  role: string;
  /** "<logical id>/<policy name>" */
  source: string;
  sid: string | null;
  effect: 'Allow' | 'Deny';
  actions: string[];
  /** Statements that use NotAction, NotResource or wildcard actions cannot be checked action by action. */
  uncheckable: string | null;
  resources: unknown[];
  conditionKeys: string[];
}

function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function refTo(value: unknown): string | null {
  if (value && typeof value === 'object' && 'Ref' in value) return String((value as { Ref: unknown }).Ref);
  return null;
}

function statementsOf(role: string, source: string, document: unknown): RoleStatement[] {
  const statements = list((document as { Statement?: unknown } | undefined)?.Statement);
  return statements.map((raw) => {
    const statement = raw as Record<string, unknown>;
    const actions = list(statement.Action).map(String);
    let uncheckable: string | null = null;
    if (statement.NotAction !== undefined) uncheckable = 'uses NotAction';
    else if (statement.NotResource !== undefined) uncheckable = 'uses NotResource';
    else if (actions.some((action) => action.includes('*') || action.includes('?')))
      uncheckable = 'uses a wildcard action';
    else if (typeof statement.Action !== 'string' && !Array.isArray(statement.Action))
      uncheckable = 'has a computed Action';
    const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
    return {
      role,
      source,
      sid: typeof statement.Sid === 'string' ? statement.Sid : null,
      effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions,
      uncheckable,
      resources: list(statement.Resource),
      conditionKeys: Object.values(condition).flatMap((block) => Object.keys(block ?? {})),
    };
  });
}

/**
 * Every identity-policy statement of every AWS::IAM::Role in the template: inline `Policies`, and
 * AWS::IAM::RolePolicy / AWS::IAM::Policy / AWS::IAM::ManagedPolicy resources that name the role with `!Ref`.
 * Managed policy ARNs on a role cannot be read here and are reported as problems by `unreadablePolicies`.
 */
export function roleStatements(template: CfnTemplate): Map<string, RoleStatement[]> {
  const byRole = new Map<string, RoleStatement[]>();
  const resources = template.Resources;
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const inline = list(resource.Properties?.Policies) as {
      PolicyName?: unknown;
      PolicyDocument?: unknown;
    }[];
    byRole.set(
      id,
      inline.flatMap((policy) =>
        statementsOf(id, `${id}/${String(policy.PolicyName)}`, policy.PolicyDocument),
      ),
    );
  }
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    let roles: unknown[] = [];
    if (resource.Type === 'AWS::IAM::RolePolicy') roles = [props.RoleName];
    else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
      roles = list(props.Roles);
    else continue;
    for (const roleRef of roles) {
      const role = refTo(roleRef);
      if (!role || !byRole.has(role)) continue;
      byRole
        .get(role)!
        .push(...statementsOf(role, `${id}/${String(props.PolicyName ?? id)}`, props.PolicyDocument));
    }
  }
  return byRole;
}

/** Roles whose permissions come from somewhere this check cannot read (managed policy ARNs, SAM policy templates). */
export function unreadablePolicies(template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role' && props.ManagedPolicyArns !== undefined)
      problems.push(`${id}: ManagedPolicyArns grant actions the code may not call`);
    if (resource.Type === 'AWS::Serverless::Function') {
      if (props.Policies !== undefined)
        problems.push(`${id}: SAM Policies bypass the role check; use an explicit Role`);
      if (props.Role === undefined) problems.push(`${id}: no explicit Role (SAM would generate one)`);
    }
  }
  return problems;
}

export interface Grant {
  action: string;
  /** Allowed only on these resources (deep-compared); absent: any resource. */
  resources?: unknown[];
}

/**
 * What is wrong with a role's Allow statements given what its code calls (`allowed`): an action the code does not
 * call (or one allowed on resources other than the grant's), a statement that cannot be checked, an action IAM does
 * not know, `*` for an action that supports resource-level permissions, or a condition key the action ignores.
 * Deny statements are not limited (they only take away) but their condition keys must take effect.
 */
export function scopeProblems(statements: RoleStatement[], allowed: Grant[]): string[] {
  const problems: string[] = [];
  for (const statement of statements) {
    const where = `${statement.source}${statement.sid ? ` ${statement.sid}` : ''}`;
    if (statement.uncheckable) {
      problems.push(`${where}: ${statement.uncheckable}`);
      continue;
    }
    for (const action of statement.actions) {
      if (referenceAction(action) === null) {
        problems.push(`${where}: ${action} is not an IAM action`);
        continue;
      }
      for (const key of statement.conditionKeys) {
        if (!supportsConditionKey(action, key))
          problems.push(`${where}: ${action} ignores condition key ${key}`);
      }
      if (statement.effect === 'Deny') continue;
      const grants = allowed.filter((grant) => grant.action.toLowerCase() === action.toLowerCase());
      if (grants.length === 0) {
        problems.push(`${where}: ${action} is not called by the code`);
        continue;
      }
      const unrestricted = grants.some((grant) => grant.resources === undefined);
      if (
        !unrestricted &&
        !grants.some((grant) => JSON.stringify(grant.resources) === JSON.stringify(statement.resources))
      ) {
        problems.push(
          `${where}: ${action} allowed on ${JSON.stringify(statement.resources)}, expected ${JSON.stringify(grants[0]!.resources)}`,
        );
      }
      if (statement.resources.includes('*') && supportsResourceLevel(action))
        problems.push(`${where}: ${action} supports resource-level permissions but is allowed on *`);
    }
  }
  return problems;
}
