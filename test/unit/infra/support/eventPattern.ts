import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAuthorizationFailure, isKeyStateFailure } from '../../../../shared/messages/errorCodes.ts';
import { ROOT } from '../../../support/runCli.ts';
import { type CfnTemplate, resourcesOfType } from './cfnYaml.ts';

/** The rule's event pattern: infra/event-pattern.json, copied literally into every template's rules. */

export type EventPattern = Record<string, unknown>;

export const PATTERN_FILE = join(ROOT, 'infra/event-pattern.json');
export const RULE_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
export const EVENT_SOURCES = ['s3.amazonaws.com', 'kms.amazonaws.com'] as const;

export function readPattern(): EventPattern {
  return JSON.parse(readFileSync(PATTERN_FILE, 'utf8')) as EventPattern;
}

export interface TemplateRule {
  id: string;
  pattern: unknown;
  state: unknown;
}

export function rulesOf(template: CfnTemplate): TemplateRule[] {
  return resourcesOfType(template, 'AWS::Events::Rule').map(([id, rule]) => ({
    id,
    pattern: rule.Properties?.EventPattern,
    state: rule.Properties?.State,
  }));
}

/** Rules whose pattern is not a copy of `pattern` or whose state would hide read-only management events. */
export function ruleProblems(rules: TemplateRule[], pattern: EventPattern): string[] {
  return rules.flatMap((rule) => [
    ...(JSON.stringify(rule.pattern) === JSON.stringify(pattern)
      ? []
      : [`${rule.id}: pattern differs from the file`]),
    ...(rule.state === RULE_STATE ? [] : [`${rule.id}: state ${String(rule.state)}, expected ${RULE_STATE}`]),
  ]);
}

/**
 * The error codes the core recognizes, lower-cased as errorCodes.ts lists them: every string in its `new Set([...])`
 * literals. Read from the source because the sets are private; a code added there must reach the pattern too.
 */
export function coreErrorCodes(): string[] {
  const source = readFileSync(join(ROOT, 'shared/messages/errorCodes.ts'), 'utf8');
  const sets = [...source.matchAll(/new Set\(\[([\s\S]*?)\]\)/g)].map((match) => match[1]!);
  return sets.flatMap((body) => [...body.matchAll(/'([^']+)'/g)].map((match) => match[1]!));
}

/** Whether the core treats (errorCode, eventSource) as an authorization or key-state failure: the rule's job. */
export function coreWantsEvent(errorCode: string, eventSource: string): boolean {
  return isAuthorizationFailure(errorCode) || isKeyStateFailure(errorCode, eventSource);
}

interface Branch {
  eventSources: unknown[];
  errorCodes: unknown[];
}

function branchesOf(pattern: EventPattern): Branch[] | null {
  const detail = pattern.detail as Record<string, unknown> | undefined;
  const or = detail?.$or;
  if (!Array.isArray(or)) return null;
  return or.map((raw) => {
    const branch = raw as Record<string, unknown>;
    return {
      eventSources: Array.isArray(branch.eventSource) ? branch.eventSource : [],
      errorCodes: Array.isArray(branch.errorCode) ? branch.errorCode : [],
    };
  });
}

/**
 * What is wrong with a pattern, judged against the core: it must select CloudTrail API calls of S3 and KMS, name
 * error codes only by exact value (an operator such as `{"prefix": "KMS."}` would also let through codes the core
 * ignores, like `KMS.KeyUnavailableException`), let through no (code, event source) the core would ignore, and miss
 * none it acts on.
 */
export function patternProblems(pattern: EventPattern): string[] {
  const problems: string[] = [];
  const expectEqual = (field: string, value: unknown, wanted: unknown) => {
    if (JSON.stringify(value) !== JSON.stringify(wanted))
      problems.push(`${field} is ${JSON.stringify(value)}, expected ${JSON.stringify(wanted)}`);
  };
  expectEqual('source', pattern.source, ['aws.s3', 'aws.kms']);
  expectEqual('detail-type', pattern['detail-type'], ['AWS API Call via CloudTrail']);
  const detailKeys = Object.keys((pattern.detail as object | undefined) ?? {});
  expectEqual('detail keys', detailKeys, ['$or']);
  const branches = branchesOf(pattern);
  if (!branches) return [...problems, 'detail.$or is missing'];

  const covered = new Set<string>();
  for (const [index, branch] of branches.entries()) {
    if (branch.errorCodes.length === 0) problems.push(`branch ${index} has no errorCode filter`);
    if (branch.eventSources.length === 0) problems.push(`branch ${index} has no eventSource filter`);
    for (const source of branch.eventSources) {
      if (!(EVENT_SOURCES as readonly unknown[]).includes(source))
        problems.push(`branch ${index}: event source ${JSON.stringify(source)} is not S3 or KMS`);
    }
    for (const code of branch.errorCodes) {
      if (typeof code !== 'string') {
        problems.push(`branch ${index}: ${JSON.stringify(code)} is not an exact error code`);
        continue;
      }
      for (const source of branch.eventSources) {
        if (typeof source !== 'string') continue;
        if (!coreWantsEvent(code, source))
          problems.push(`branch ${index}: ${code} from ${source} is not a failure the core recognizes`);
        covered.add(`${code.toLowerCase()} ${source}`);
      }
    }
  }
  for (const code of coreErrorCodes()) {
    for (const source of EVENT_SOURCES) {
      if (coreWantsEvent(code, source) && !covered.has(`${code} ${source}`))
        problems.push(`${code} from ${source} is a failure the core recognizes but the pattern misses`);
    }
  }
  return problems;
}
