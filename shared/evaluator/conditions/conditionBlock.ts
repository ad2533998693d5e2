import type { ConditionBlock, OneOrMany } from '../../policy/types.ts';
import type { ContextValue, RequestContext } from '../context.ts';
import { collectUnresolvedVariables } from '../wildcard.ts';
import { nullConditionMatches } from './nullCondition.ts';
import type { BaseOperator } from './operator.ts';
import { findOperator } from './operators.ts';

export interface ConditionOutcome {
  matched: boolean;
  /** Lower-cased context keys the block referenced (as condition keys or policy variables) that the context
   * did not carry. */
  missingKeys: string[];
  /** Operator names as written that the evaluator does not know; they make the block not match. */
  unknownOperators: string[];
}

type SetPrefix = 'none' | 'any' | 'all';

/** An operator name as written, e.g. `ForAllValues:StringNotLikeIfExists`, taken apart. */
export type ParsedOperator =
  | { kind: 'null' }
  | { kind: 'compare'; operator: BaseOperator; set: SetPrefix; ifExists: boolean }
  | { kind: 'unknown' };

type PolicyValue = string | number | boolean;

const VARIABLES_VERSION = '2012-10-17';
const NULL_OPERATOR: ParsedOperator = { kind: 'null' };
const UNKNOWN_OPERATOR: ParsedOperator = { kind: 'unknown' };
const FOR_ANY_VALUE = 'foranyvalue:';
const FOR_ALL_VALUES = 'forallvalues:';
const IF_EXISTS = 'ifexists';

/** Parses an operator name (case-insensitively). Null takes no IfExists; a set prefix on it is ignored. */
export function parseOperatorName(written: string): ParsedOperator {
  let rest = written.toLowerCase();
  let set: SetPrefix = 'none';
  if (rest.startsWith(FOR_ANY_VALUE)) {
    set = 'any';
    rest = rest.slice(FOR_ANY_VALUE.length);
  } else if (rest.startsWith(FOR_ALL_VALUES)) {
    set = 'all';
    rest = rest.slice(FOR_ALL_VALUES.length);
  }
  if (rest === 'null') return NULL_OPERATOR;
  const ifExists = rest.endsWith(IF_EXISTS);
  if (ifExists) rest = rest.slice(0, -IF_EXISTS.length);
  const operator = findOperator(rest);
  return operator === undefined ? UNKNOWN_OPERATOR : { kind: 'compare', operator, set, ifExists };
}

// Operator names and context keys repeat across millions of evaluations: parse / lower-case each once.
const CACHE_LIMIT = 5_000;
const parsedOperators = new Map<string, ParsedOperator>();
const lowerKeys = new Map<string, string>();

function cached<V>(cache: Map<string, V>, key: string, make: (key: string) => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make(key);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

const toLower = (key: string): string => key.toLowerCase();

function asText(value: PolicyValue): string {
  return typeof value === 'string' ? value : String(value);
}

/** Does any policy value match this one request value (positive test)? */
function anyPolicyValueMatches(
  operator: BaseOperator,
  requestValue: string,
  policyValues: OneOrMany<PolicyValue>,
  context: RequestContext | undefined,
): boolean {
  if (!Array.isArray(policyValues)) return operator.matches(requestValue, asText(policyValues), context);
  for (const policyValue of policyValues) {
    if (operator.matches(requestValue, asText(policyValue), context)) return true;
  }
  return false;
}

/** One request value against the operator: a negated operator is satisfied when no policy value matches. */
function satisfies(
  operator: BaseOperator,
  requestValue: string,
  policyValues: OneOrMany<PolicyValue>,
  context: RequestContext | undefined,
): boolean {
  return anyPolicyValueMatches(operator, requestValue, policyValues, context) !== operator.negated;
}

function isAbsent(value: ContextValue | undefined): boolean {
  return value === undefined || (typeof value !== 'string' && value.length === 0);
}

/** Evaluates one key under one operator. An empty multivalued value counts as absent. */
function evaluateKey(
  parsed: ParsedOperator & { kind: 'compare' },
  requestValue: ContextValue | undefined,
  policyValues: OneOrMany<PolicyValue>,
  variables: RequestContext | undefined,
): boolean {
  const { operator, set } = parsed;
  if (requestValue === undefined || isAbsent(requestValue)) {
    if (parsed.ifExists) return true;
    if (set === 'all') return true;
    if (set === 'any') return false;
    return operator.negated;
  }
  const context = operator.usesVariables ? variables : undefined;
  if (typeof requestValue === 'string') return satisfies(operator, requestValue, policyValues, context);
  // Multivalued: ForAllValues needs every value; ForAnyValue one. Without a prefix a positive operator acts as
  // ForAnyValue and a negated one requires that no request value matches any policy value.
  const every = set === 'all' || (set === 'none' && operator.negated);
  for (const value of requestValue) {
    if (satisfies(operator, value, policyValues, context) !== every) return !every;
  }
  return every;
}

function evaluateNull(present: boolean, policyValues: OneOrMany<PolicyValue>): boolean {
  if (!Array.isArray(policyValues)) return nullConditionMatches(asText(policyValues), present);
  for (const policyValue of policyValues) {
    if (nullConditionMatches(asText(policyValue), present)) return true;
  }
  return false;
}

/** Lists context keys named by variables in the policy values that the context cannot resolve. */
function collectVariableKeys(
  policyValues: OneOrMany<PolicyValue>,
  context: RequestContext,
  into: string[],
): void {
  if (!Array.isArray(policyValues)) {
    if (typeof policyValues === 'string' && policyValues.includes('${')) {
      collectUnresolvedVariables(policyValues, context, into);
    }
    return;
  }
  for (const policyValue of policyValues) {
    if (typeof policyValue === 'string' && policyValue.includes('${')) {
      collectUnresolvedVariables(policyValue, context, into);
    }
  }
}

/**
 * Evaluates a statement's Condition block as AWS does: operators AND, keys under an operator AND, policy
 * values of one key OR (negated operators: none may match). Policy variables are substituted only for
 * policies with Version 2012-10-17. Every key is visited, even after a failure, so that `missingKeys`
 * is complete.
 */
export function evaluateConditionBlock(
  block: ConditionBlock,
  context: RequestContext,
  policyVersion: string | undefined,
): ConditionOutcome {
  const variables = policyVersion === VARIABLES_VERSION ? context : undefined;
  const missingKeys: string[] = [];
  const unknownOperators: string[] = [];
  let matched = true;
  for (const operatorName in block) {
    const keys = block[operatorName];
    const parsed = cached(parsedOperators, operatorName, parseOperatorName);
    if (parsed.kind === 'unknown') {
      unknownOperators.push(operatorName);
      matched = false;
    }
    if (typeof keys !== 'object' || keys === null) {
      matched = false;
      continue;
    }
    for (const key in keys) {
      const lowerKey = cached(lowerKeys, key, toLower);
      const requestValue = context.get(lowerKey);
      if (requestValue === undefined && !missingKeys.includes(lowerKey)) missingKeys.push(lowerKey);
      const policyValues = keys[key]!;
      if (parsed.kind === 'null') {
        if (matched && !evaluateNull(!isAbsent(requestValue), policyValues)) matched = false;
      } else if (parsed.kind === 'compare') {
        if (variables !== undefined && parsed.operator.usesVariables) {
          collectVariableKeys(policyValues, variables, missingKeys);
        }
        if (matched && !evaluateKey(parsed, requestValue, policyValues, variables)) matched = false;
      }
    }
  }
  return { matched, missingKeys, unknownOperators };
}
