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

function statementProblem(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'not an object';
  const effect = (item as { Effect?: unknown }).Effect;
  if (effect !== 'Allow' && effect !== 'Deny')
    return `Effect must be "Allow" or "Deny", found ${JSON.stringify(effect)}`;
  return null;
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
