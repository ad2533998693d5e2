import type { PolicyStatement } from '../../shared/policy/types.ts';
import type { ReportLine } from '../../shared/report/types.ts';

/** What a fixture states about a report line: any subset of its fields. */
export type ExpectedReport = Partial<Omit<ReportLine, 'patches' | 'proof'>> & {
  patches?: ExpectedPatch[];
  proof?: Partial<NonNullable<ReportLine['proof']>> | null;
};

interface ExpectedPatch {
  account?: string;
  target: { type: string; arn: string };
  policyName?: string | null;
  addStatements?: PolicyStatement[];
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String).sort();

/** A statement reduced to what a patch's meaning depends on: the sets of actions, resources, principals, and conditions. */
function statementShape(statement: PolicyStatement): unknown {
  const principal =
    statement.Principal && statement.Principal !== '*'
      ? list(statement.Principal.AWS)
      : list(statement.Principal);
  return {
    Effect: statement.Effect,
    Action: list(statement.Action),
    Resource: list(statement.Resource),
    Principal: principal,
    Condition: statement.Condition ?? null,
  };
}

/** Merges statements by principal and condition, so the expectation does not depend on how statements are grouped. */
function grantSet(statements: PolicyStatement[]): string[] {
  const grants = new Set<string>();
  for (const statement of statements) {
    const shape = statementShape(statement) as {
      Effect: string;
      Action: string[];
      Resource: string[];
      Principal: string[];
      Condition: unknown;
    };
    for (const action of shape.Action) {
      for (const resource of shape.Resource) {
        grants.add(JSON.stringify([shape.Effect, action, resource, shape.Principal, shape.Condition]));
      }
    }
  }
  return [...grants].sort();
}

/** Compares a report line with a fixture's expectation; returns the differences, empty when it matches. */
export function reportDifferences(actual: ReportLine, expected: ExpectedReport): string[] {
  const problems: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const field of ['eventId', 'verdict', 'decision', 'principal', 'keyState', 'finding'] as const) {
    if (field in expected && !same(actual[field], expected[field])) {
      problems.push(
        `${field}: expected ${JSON.stringify(expected[field])}, got ${JSON.stringify(actual[field])}`,
      );
    }
  }
  if (expected.request !== undefined) {
    for (const [key, value] of Object.entries(expected.request ?? {})) {
      const got = actual.request ? (actual.request as Record<string, unknown>)[key] : undefined;
      if (!same(got, value))
        problems.push(`request.${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
    }
  }
  if (expected.missing !== undefined) {
    const key = (m: { action: string; resource: string | null }) => `${m.action} ${m.resource}`;
    const want = expected.missing.map(key).sort();
    const got = actual.missing.map(key).sort();
    if (!same(want, got))
      problems.push(`missing: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  if (expected.deniedBy !== undefined) {
    if (expected.deniedBy === null || actual.deniedBy === null) {
      if (!same(expected.deniedBy, actual.deniedBy)) {
        problems.push(
          `deniedBy: expected ${JSON.stringify(expected.deniedBy)}, got ${JSON.stringify(actual.deniedBy)}`,
        );
      }
    } else {
      for (const [key, value] of Object.entries(expected.deniedBy)) {
        const got = (actual.deniedBy as unknown as Record<string, unknown>)[key];
        if (!same(got, value))
          problems.push(`deniedBy.${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
      }
    }
  }
  if (expected.patches !== undefined) {
    const targets = (patches: { target: { arn: string } }[]) => patches.map((p) => p.target.arn).sort();
    if (!same(targets(expected.patches), targets(actual.patches))) {
      problems.push(
        `patch targets: expected ${JSON.stringify(targets(expected.patches))}, got ${JSON.stringify(targets(actual.patches))}`,
      );
    }
    for (const want of expected.patches) {
      const got = actual.patches.find((p) => p.target.arn === want.target.arn);
      if (!got) continue;
      if (got.target.type !== want.target.type)
        problems.push(`patch ${want.target.arn}: type ${got.target.type}, expected ${want.target.type}`);
      if (want.account !== undefined && got.account !== want.account)
        problems.push(`patch ${want.target.arn}: account ${got.account}, expected ${want.account}`);
      if (want.policyName !== undefined && got.policyName !== want.policyName) {
        problems.push(`patch ${want.target.arn}: policyName ${got.policyName}, expected ${want.policyName}`);
      }
      if (want.addStatements !== undefined) {
        const wantGrants = grantSet(want.addStatements);
        const gotGrants = grantSet(got.addStatements);
        if (!same(wantGrants, gotGrants)) {
          problems.push(
            `patch ${want.target.arn} statements:\n    expected ${wantGrants.join('\n             ')}\n    got      ${gotGrants.join('\n             ')}`,
          );
        }
      }
    }
  }
  if (expected.proof !== undefined) {
    if (expected.proof === null) {
      if (actual.proof !== null) problems.push('proof: expected null');
    } else {
      for (const key of ['before', 'after'] as const) {
        if (key in expected.proof && actual.proof?.[key] !== expected.proof[key]) {
          problems.push(`proof.${key}: expected ${expected.proof[key]}, got ${actual.proof?.[key]}`);
        }
      }
    }
  }
  return problems;
}
