import { statementsOf, toArray } from '../policy/parseDocument.ts';
import type { PolicyDocument, PolicyStatement } from '../policy/types.ts';
import { evaluateConditionBlock } from './conditions/conditionBlock.ts';
import type { RequestContext } from './context.ts';
import { type PrincipalMatch, principalMatches } from './principal.ts';
import type { CallerIdentity } from './types.ts';
import { arnMatch, wildcardMatch } from './wildcard.ts';

export interface StatementRequest {
  caller: CallerIdentity;
  action: string;
  resource: string;
  context: RequestContext;
  /** A resource policy's Deny with NotPrincipal always applies to principals with a boundary (IAM User Guide). */
  hasPermissionsBoundary?: boolean;
}

export interface StatementMatch {
  matched: boolean;
  /** For statements with a Principal: how it named the caller. */
  principal: PrincipalMatch;
  /** Context keys a condition referenced that the request did not carry. */
  missingKeys: string[];
}

const NO_MATCH: StatementMatch = { matched: false, principal: null, missingKeys: [] };

export function actionMatches(patterns: string[], action: string): boolean {
  return patterns.some((pattern) => pattern === '*' || wildcardMatch(pattern, action, { ignoreCase: true }));
}

export function resourceMatches(
  patterns: string[],
  resource: string,
  context: RequestContext | undefined,
): boolean {
  return patterns.some((pattern) => pattern === '*' || arnMatch(pattern, resource, context));
}

/**
 * Does one statement apply to the request? `withPrincipal` is true for resource-based and endpoint policies,
 * whose statements must name the caller; identity policies, boundaries, SCPs and session policies name nobody.
 */
export function matchStatement(
  statement: PolicyStatement,
  request: StatementRequest,
  version: string | undefined,
  withPrincipal: boolean,
): StatementMatch {
  if (statement.Action !== undefined) {
    if (!actionMatches(toArray(statement.Action), request.action)) return NO_MATCH;
  } else if (statement.NotAction !== undefined) {
    if (actionMatches(toArray(statement.NotAction), request.action)) return NO_MATCH;
  } else {
    return NO_MATCH;
  }

  // Policy variables in Resource are only substituted in version 2012-10-17 documents.
  const variables = version === '2012-10-17' ? request.context : undefined;
  if (statement.Resource !== undefined) {
    if (!resourceMatches(toArray(statement.Resource), request.resource, variables)) return NO_MATCH;
  } else if (statement.NotResource !== undefined) {
    if (resourceMatches(toArray(statement.NotResource), request.resource, variables)) return NO_MATCH;
  } else {
    return NO_MATCH;
  }

  let principal: PrincipalMatch = null;
  if (withPrincipal) {
    if (statement.Principal !== undefined) {
      principal = principalMatches(statement.Principal, request.caller);
      if (principal === null) return NO_MATCH;
    } else if (statement.NotPrincipal !== undefined) {
      const excluded = principalMatches(statement.NotPrincipal, request.caller) !== null;
      if (excluded && !(statement.Effect === 'Deny' && request.hasPermissionsBoundary === true))
        return NO_MATCH;
      principal = 'direct';
    } else {
      return NO_MATCH;
    }
  }

  if (statement.Condition === undefined) return { matched: true, principal, missingKeys: [] };
  const outcome = evaluateConditionBlock(statement.Condition, request.context, version);
  return { matched: outcome.matched, principal, missingKeys: outcome.missingKeys };
}

export interface PolicyMatches {
  allows: { index: number; sid: string | null; principal: PrincipalMatch }[];
  denies: { index: number; sid: string | null }[];
  missingKeys: string[];
}

export function matchPolicy(
  document: PolicyDocument,
  request: StatementRequest,
  withPrincipal: boolean,
): PolicyMatches {
  const result: PolicyMatches = { allows: [], denies: [], missingKeys: [] };
  const statements = statementsOf(document);
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index]!;
    const match = matchStatement(statement, request, document.Version, withPrincipal);
    if (match.missingKeys.length > 0) result.missingKeys.push(...match.missingKeys);
    if (!match.matched) continue;
    const sid = typeof statement.Sid === 'string' ? statement.Sid : null;
    if (statement.Effect === 'Deny') result.denies.push({ index, sid });
    else result.allows.push({ index, sid, principal: match.principal });
  }
  return result;
}
