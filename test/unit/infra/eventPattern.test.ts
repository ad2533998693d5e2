import { join } from 'node:path';
import { ROOT } from '../../support/runCli.ts';
import { readCfnTemplate } from './support/cfnYaml.ts';
import {
  coreErrorCodes,
  type EventPattern,
  PATTERN_FILE,
  patternProblems,
  RULE_STATE,
  readPattern,
  ruleProblems,
  rulesOf,
} from './support/eventPattern.ts';

/**
 * infra/event-pattern.json is the one definition of what the rules let through; the templates carry literal
 * copies (CloudFormation cannot include a file). How EventBridge matches it against the fixture events is checked
 * on the emulator in test/integration/infra/eventPatternEmulator.test.ts.
 */

const pattern = readPattern();
const templates = ['template.yaml', 'infra/member-stackset.yaml'];
const rules = templates.flatMap((file) =>
  rulesOf(readCfnTemplate(join(ROOT, file))).map((rule) => ({ ...rule, file })),
);

function widened(
  change: (copy: { detail: { $or: { eventSource: unknown[]; errorCode?: unknown[] }[] } }) => void,
) {
  const copy = structuredClone(pattern) as {
    detail: { $or: { eventSource: unknown[]; errorCode?: unknown[] }[] };
  };
  change(copy);
  return copy as unknown as EventPattern;
}

describe(`the event pattern (${PATTERN_FILE.slice(ROOT.length + 1)})`, () => {
  it('selects exactly the authorization and key-state failures the core recognizes', () => {
    expect(patternProblems(pattern)).toEqual([]);
  });

  it('covers every error code the core lists', () => {
    const codes = coreErrorCodes();
    expect(codes).toEqual(
      expect.arrayContaining(['accessdenied', 'client.unauthorizedoperation', 'kms.notfoundexception']),
    );
    expect(codes.length).toBeGreaterThanOrEqual(13);
  });

  it.each([
    [
      'a code the core ignores (NoSuchKey)',
      widened((p) => p.detail.$or[0]!.errorCode!.push('NoSuchKey')),
      'branch 0: NoSuchKey from s3.amazonaws.com is not a failure the core recognizes',
    ],
    [
      'a prefix operator instead of exact codes',
      widened((p) => p.detail.$or[0]!.errorCode!.push({ prefix: 'KMS.' })),
      'branch 0: {"prefix":"KMS."} is not an exact error code',
    ],
    [
      'a generic key-state code accepted from S3',
      widened((p) => p.detail.$or[0]!.errorCode!.push('NotFoundException')),
      'branch 0: NotFoundException from s3.amazonaws.com is not a failure the core recognizes',
    ],
    [
      'no errorCode filter',
      widened((p) => delete p.detail.$or[0]!.errorCode),
      'branch 0 has no errorCode filter',
    ],
    [
      'a missing code (VpceAccessDenied)',
      widened((p) => p.detail.$or[0]!.errorCode!.splice(4, 1)),
      'vpceaccessdenied from kms.amazonaws.com is a failure the core recognizes but the pattern misses',
    ],
    [
      'another event source',
      widened((p) => p.detail.$or[0]!.eventSource.push('iam.amazonaws.com')),
      'branch 0: event source "iam.amazonaws.com" is not S3 or KMS',
    ],
  ])('is rejected when changed: %s', (_, changed, problem) => {
    expect(patternProblems(changed)).toContain(problem);
  });
});

describe('the rules of the templates', () => {
  it('are the two central rules and the member forwarding rule', () => {
    expect(rules.map((rule) => `${rule.file}:${rule.id}`).sort()).toEqual([
      'infra/member-stackset.yaml:ForwardingRule',
      'template.yaml:DefaultBusRule',
      'template.yaml:OrganizationBusRule',
    ]);
  });

  it('use infra/event-pattern.json and receive read-only management events', () => {
    expect(ruleProblems(rules, pattern)).toEqual([]);
  });

  it('would notice a copy that drifted from the file, or a plain ENABLED state', () => {
    const [first, second] = rules;
    const drifted = { ...first!, pattern: widened((p) => p.detail.$or[1]!.errorCode!.pop()) };
    const plain = { ...second!, state: 'ENABLED' };
    expect(ruleProblems([drifted, plain], pattern)).toEqual([
      `${drifted.id}: pattern differs from the file`,
      `${plain.id}: state ENABLED, expected ${RULE_STATE}`,
    ]);
  });
});
