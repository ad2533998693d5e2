import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { authorize } from '../../../shared/evaluator/authorize.ts';
import { contextFrom } from '../../../shared/evaluator/context.ts';
import type { ApplicablePolicies, AuthorizationRequest, Decision } from '../../../shared/evaluator/types.ts';
import type {
  PolicyDocument,
  PolicyStatement,
  PolicyType,
  SourcedPolicy,
} from '../../../shared/policy/types.ts';
import { caseArbitrary, FAMILIES, type Family, type GeneratedCase } from './arbitraries.ts';
import { ORACLE_EXCEPTIONS, type OracleView, type StatementSite } from './oracleExceptions.ts';

/**
 * Differential test: every generated case goes to our `authorize()` and to @cloud-copilot/iam-simulate (the
 * oracle, a devDependency used only here), and the final decisions must agree: allowed, explicit deny or
 * implicit deny. Known oracle deviations from AWS are listed in oracleExceptions.ts; a disagreement counts
 * as excepted only when removing the statements an exception names makes the two agree again.
 */

const RUNS_PER_FAMILY = 2_800;
const FAMILY_TIMEOUT_MS = 60_000;
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? Math.floor(Math.random() * 2 ** 31));

// ---------------------------------------------------------------------------------------------------------
// The same case, as each side takes it

function sourced(type: PolicyType, id: string, document: PolicyDocument): SourcedPolicy {
  return { ref: { type, id, name: null }, document };
}

function toOurs(testCase: GeneratedCase): { request: AuthorizationRequest; policies: ApplicablePolicies } {
  const request: AuthorizationRequest = {
    caller: testCase.caller,
    action: testCase.action,
    resource: testCase.resource,
    resourceAccount: testCase.resourceAccount,
    context: contextFrom(testCase.context),
  };
  const policies: ApplicablePolicies = {
    identity: testCase.identityPolicies.map((document, index) =>
      sourced('identity', `identity-${index}`, document),
    ),
    resource: testCase.resourcePolicy
      ? sourced(testCase.resourceIsKmsKey ? 'key' : 'bucket', testCase.resource, testCase.resourcePolicy)
      : null,
    resourceIsKmsKey: testCase.resourceIsKmsKey,
    permissionsBoundary: testCase.permissionsBoundary
      ? sourced('permissions-boundary', 'boundary', testCase.permissionsBoundary)
      : null,
    sessionPolicies: testCase.sessionPolicy
      ? [sourced('session-policy', 'session', testCase.sessionPolicy)]
      : null,
    scpLevels:
      testCase.scpLevels?.map((level, depth) =>
        level.map((document, index) => sourced('scp', `p-scp-${depth}-${index}`, document)),
      ) ?? null,
    rcpLevels: null,
    vpcEndpoint: null,
  };
  return { request, policies };
}

/** The account root has every permission in its own account without identity policies (IAM User Guide). */
const ROOT_IDENTITY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: '*', Resource: '*' },
};

function toOracle(testCase: GeneratedCase): Simulation {
  const { caller } = testCase;
  return {
    request: {
      // The oracle takes the principal as it makes the request: a role acts through its session.
      principal: caller.kind === 'role' ? caller.sessionArn! : caller.arn,
      action: testCase.action,
      resource: { resource: testCase.resource, accountId: testCase.resourceAccount },
      contextVariables: testCase.context,
    },
    identityPolicies:
      caller.kind === 'root'
        ? [{ name: 'root', policy: ROOT_IDENTITY }]
        : testCase.identityPolicies.map((policy, index) => ({ name: `identity-${index}`, policy })),
    serviceControlPolicies: (testCase.scpLevels ?? []).map((level, depth) => ({
      orgIdentifier: depth === 0 ? 'r-root' : `ou-level-${depth}`,
      policies: level.map((policy, index) => ({ name: `p-scp-${depth}-${index}`, policy })),
    })),
    resourceControlPolicies: [],
    resourcePolicy: testCase.resourcePolicy ?? undefined,
    permissionBoundaryPolicies: testCase.permissionsBoundary
      ? [{ name: 'boundary', policy: testCase.permissionsBoundary }]
      : undefined,
    sessionPolicy: testCase.sessionPolicy ?? undefined,
  };
}

const ORACLE_DECISIONS: Record<string, Decision> = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicit-deny',
  ImplicitlyDenied: 'implicit-deny',
};

interface Outcome {
  ours: Decision;
  oracle: Decision | 'error';
  oracleDetail: string;
  view: OracleView;
}

async function evaluateBoth(testCase: GeneratedCase): Promise<Outcome> {
  const { request, policies } = toOurs(testCase);
  const ours = authorize(request, policies).decision;
  const result = await runSimulation(toOracle(testCase), {});
  if (result.resultType === 'error') {
    return {
      ours,
      oracle: 'error',
      oracleDetail: JSON.stringify(result.errors),
      view: { ignoredContextKeys: [] },
    };
  }
  const ignored = result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [];
  return {
    ours,
    oracle: ORACLE_DECISIONS[result.overallResult] ?? 'error',
    oracleDetail: result.overallResult,
    view: { ignoredContextKeys: ignored.map((key) => key.toLowerCase()) },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Exceptions: remove the statements an exception names, on both sides, and compare again

function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

function sitesOf(testCase: GeneratedCase): StatementSite[] {
  const sites: StatementSite[] = [];
  const add = (kind: StatementSite['kind'], document: PolicyDocument | null): void => {
    if (document === null) return;
    for (const statement of statementsOf(document)) sites.push({ kind, document, statement });
  };
  for (const document of testCase.identityPolicies) add('identity', document);
  add('resource', testCase.resourcePolicy);
  add('boundary', testCase.permissionsBoundary);
  add('session', testCase.sessionPolicy);
  for (const level of testCase.scpLevels ?? []) for (const document of level) add('scp', document);
  return sites;
}

/** The case with the given statements removed; a policy left without statements keeps an empty list. */
function withoutStatements(testCase: GeneratedCase, removed: ReadonlySet<PolicyStatement>): GeneratedCase {
  const strip = (document: PolicyDocument): PolicyDocument => ({
    ...document,
    Statement: statementsOf(document).filter((statement) => !removed.has(statement)),
  });
  const stripOrNull = (document: PolicyDocument | null): PolicyDocument | null =>
    document === null ? null : strip(document);
  return {
    ...testCase,
    identityPolicies: testCase.identityPolicies.map(strip),
    resourcePolicy: stripOrNull(testCase.resourcePolicy),
    permissionsBoundary: stripOrNull(testCase.permissionsBoundary),
    sessionPolicy: stripOrNull(testCase.sessionPolicy),
    scpLevels: testCase.scpLevels?.map((level) => level.map(strip)) ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Bookkeeping across the run

interface Disagreement {
  family: Family;
  ours: Decision;
  oracle: string;
  /** Exceptions whose statements were removed from the case; they did not explain the disagreement. */
  removedByExceptions: string[];
  /** The generated case, less the statements the exceptions named. */
  testCase: GeneratedCase;
}

/** What one family's run compared; each family's test judges only its own, so any one of them run alone means something. */
interface FamilyTally {
  compared: number;
  agreed: number;
  decisions: Record<Decision, number>;
}

const tally = {
  families: new Map<Family, FamilyTally>(),
  excepted: new Map<string, number>(),
  disagreements: [] as Disagreement[],
};

function familyTally(family: Family): FamilyTally {
  let found = tally.families.get(family);
  if (!found) {
    found = { compared: 0, agreed: 0, decisions: { allowed: 0, 'explicit-deny': 0, 'implicit-deny': 0 } };
    tally.families.set(family, found);
  }
  return found;
}

async function compare(family: Family, testCase: GeneratedCase): Promise<void> {
  const counts = familyTally(family);
  counts.compared++;
  const outcome = await evaluateBoth(testCase);
  counts.decisions[outcome.ours]++;
  if (outcome.oracle === outcome.ours) {
    counts.agreed++;
    return;
  }
  const removed = new Set<PolicyStatement>();
  const applied = new Set<string>();
  if (outcome.oracle !== 'error') {
    for (const site of sitesOf(testCase)) {
      for (const exception of ORACLE_EXCEPTIONS) {
        if (exception.appliesTo(site, testCase, outcome.view)) {
          removed.add(site.statement);
          applied.add(exception.id);
        }
      }
    }
  }
  let residual = { testCase, outcome };
  if (removed.size > 0) {
    const stripped = withoutStatements(testCase, removed);
    const again = await evaluateBoth(stripped);
    if (again.oracle === again.ours) {
      for (const id of applied) tally.excepted.set(id, (tally.excepted.get(id) ?? 0) + 1);
      return;
    }
    // Report the case without the excepted statements: what is left is what the two disagree on.
    residual = { testCase: stripped, outcome: again };
  }
  tally.disagreements.push({
    family,
    ours: residual.outcome.ours,
    oracle:
      residual.outcome.oracle === 'error'
        ? `error ${residual.outcome.oracleDetail}`
        : residual.outcome.oracle,
    removedByExceptions: [...applied],
    testCase: residual.testCase,
  });
}

/**
 * Names the evaluator behaviour a disagreement most likely comes from, when it has the shape of a known
 * one. This only labels failures for the reader: a labelled disagreement still fails the test.
 */
function suspectedCause(item: Disagreement): string {
  const { testCase } = item;
  const resourceStatements = testCase.resourcePolicy ? statementsOf(testCase.resourcePolicy) : [];
  if (
    item.oracle === 'explicit-deny' &&
    testCase.permissionsBoundary !== null &&
    resourceStatements.some(
      (statement) => statement.Effect === 'Deny' && statement.NotPrincipal !== undefined,
    )
  ) {
    return 'evaluator: a resource-policy Deny with NotPrincipal always denies a principal that has a permissions boundary (IAM User Guide, Permissions boundaries)';
  }
  const { caller } = testCase;
  const namesSession = (statement: PolicyStatement): boolean =>
    statement.Effect === 'Allow' &&
    typeof statement.Principal === 'object' &&
    [statement.Principal.AWS ?? []].flat().includes(caller.sessionArn ?? '');
  if (
    item.oracle === 'allowed' &&
    caller.kind === 'role' &&
    caller.accountId === testCase.resourceAccount &&
    resourceStatements.some(namesSession)
  ) {
    return 'evaluator: a same-account grant to the role-session ARN is not limited by an implicit deny in the permissions boundary (IAM User Guide, Policy evaluation logic)';
  }
  return 'unexplained';
}

function describeDisagreements(found: Disagreement[]): string {
  const byCause = new Map<string, Disagreement[]>();
  for (const item of found) {
    const cause = suspectedCause(item);
    byCause.set(cause, [...(byCause.get(cause) ?? []), item]);
  }
  const sections = [...byCause].map(([cause, items]) => {
    // The smallest case is the easiest to read as a reproduction.
    const smallest = items.reduce((best, item) =>
      JSON.stringify(item.testCase).length < JSON.stringify(best.testCase).length ? item : best,
    );
    return `${items.length} x ${cause}; smallest:\n${JSON.stringify(smallest, null, 2)}`;
  });
  return `${found.length} disagreement(s) (seed ${SEED}, set DIFFERENTIAL_SEED to replay)\n${sections.join('\n')}`;
}

/** The share of a family's cases below which an outcome is too rare for the comparison to prove much. */
const MIN_OUTCOME_SHARE = 0.1;
/** Cases the oracle must agree on outright (not through an exception); today about 96%. */
const MIN_AGREED_SHARE = 0.9;

describe('authorize() agrees with iam-simulate on generated S3/KMS cases', () => {
  afterAll(() => {
    const lines: string[] = [];
    let compared = 0;
    let agreed = 0;
    for (const [family, counts] of tally.families) {
      compared += counts.compared;
      agreed += counts.agreed;
      const share = (n: number): string => `${((100 * n) / counts.compared).toFixed(1)}%`;
      const { decisions } = counts;
      lines.push(
        `  ${family.padEnd(18)} allowed ${share(decisions.allowed)}  explicit-deny ${share(decisions['explicit-deny'])}  implicit-deny ${share(decisions['implicit-deny'])}`,
      );
    }
    const excepted = [...tally.excepted].map(([id, count]) => `  ${id}: ${count}`);
    console.log(
      [
        `differential oracle test (seed ${SEED}): compared ${compared}, agreed ${agreed}, ` +
          `excepted ${compared - agreed - tally.disagreements.length}, disagreed ${tally.disagreements.length}`,
        'our decisions by family:',
        ...lines,
        'excepted by oracle exception (a case can count under several):',
        ...(excepted.length > 0 ? excepted : ['  none']),
      ].join('\n'),
    );
  });

  for (const family of FAMILIES) {
    it(
      `${family}: ${RUNS_PER_FAMILY} cases agree, with every outcome common`,
      async () => {
        await fc.assert(
          fc.asyncProperty(caseArbitrary(family), async (testCase) => {
            await compare(family, testCase);
          }),
          { numRuns: RUNS_PER_FAMILY, seed: SEED + FAMILIES.indexOf(family) },
        );
        const found = tally.disagreements.filter((item) => item.family === family);
        if (found.length > 0) throw new Error(describeDisagreements(found));
        const counts = familyTally(family);
        // fast-check ran every case through compare(): a property that skips cases compares nothing.
        expect(counts.compared).toBe(RUNS_PER_FAMILY);
        expect(counts.agreed).toBeGreaterThanOrEqual(MIN_AGREED_SHARE * RUNS_PER_FAMILY);
        // The generators must keep every outcome common, or the comparison proves little.
        const rare = (Object.keys(counts.decisions) as Decision[]).filter(
          (decision) => counts.decisions[decision] < MIN_OUTCOME_SHARE * counts.compared,
        );
        expect(rare).toEqual([]);
      },
      FAMILY_TIMEOUT_MS,
    );
  }
});
