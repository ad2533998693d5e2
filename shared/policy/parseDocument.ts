import type { PolicyDocument, PolicyStatement } from './types.ts';

export type ParsedPolicy = { ok: true; document: PolicyDocument } | { ok: false; error: string };

/**
 * A policy as snapshots and AWS APIs carry it: a JSON object, a JSON string, or a URL-encoded JSON string
 * (the raw IAM API encodes documents that way). All three are accepted everywhere.
 */
export function parsePolicyDocument(input: unknown): ParsedPolicy {
  let value = input;
  if (typeof value === 'string') {
    const text = value.trim();
    const decoded = text.startsWith('{') ? text : safeDecode(text);
    if (decoded === null) return { ok: false, error: 'policy text is neither JSON nor URL-encoded JSON' };
    try {
      value = JSON.parse(decoded);
    } catch (error) {
      return { ok: false, error: `policy text is not valid JSON: ${(error as Error).message}` };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'policy is not a JSON object' };
  }
  const statement = (value as { Statement?: unknown }).Statement;
  const statements = Array.isArray(statement) ? statement : statement === undefined ? null : [statement];
  if (statements === null) return { ok: false, error: 'policy has no Statement' };
  for (const [index, item] of statements.entries()) {
    const problem = statementProblem(item);
    if (problem) return { ok: false, error: `Statement[${index}]: ${problem}` };
  }
  return { ok: true, document: value as PolicyDocument };
}

function safeDecode(text: string): string | null {
  try {
    const decoded = decodeURIComponent(text.replace(/\+/g, ' '));
    return decoded.trim().startsWith('{') ? decoded : null;
  } catch {
    return null;
  }
}

const isStringOrStrings = (value: unknown): boolean =>
  typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));

const isScalar = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function principalProblem(value: unknown): string | null {
  if (value === '*') return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be "*" or an object';
  for (const [kind, names] of Object.entries(value)) {
    if (!isStringOrStrings(names)) return `${kind} must be a string or a list of strings`;
  }
  return null;
}

function conditionProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  for (const [operator, block] of Object.entries(value)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block))
      return `${operator} must be an object`;
    for (const [key, values] of Object.entries(block)) {
      const ok = isScalar(values) || (Array.isArray(values) && values.every(isScalar));
      if (!ok) return `${operator}.${key} must be a value or a list of values`;
    }
  }
  return null;
}

/** The grammar the evaluator relies on; AWS rejects documents that break it, so a snapshot holding one is invalid. */
function statementProblem(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'not an object';
  const statement = item as Record<string, unknown>;
  const effect = statement.Effect;
  if (effect !== 'Allow' && effect !== 'Deny')
    return `Effect must be "Allow" or "Deny", found ${JSON.stringify(effect)}`;
  for (const field of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (field in statement && !isStringOrStrings(statement[field]))
      return `${field} must be a string or a list of strings`;
  }
  for (const field of ['Principal', 'NotPrincipal']) {
    const problem = field in statement ? principalProblem(statement[field]) : null;
    if (problem) return `${field} ${problem}`;
  }
  const problem = 'Condition' in statement ? conditionProblem(statement.Condition) : null;
  if (problem) return `Condition ${problem}`;
  if ('Sid' in statement && typeof statement.Sid !== 'string') return 'Sid must be a string';
  return null;
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
