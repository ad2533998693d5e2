/**
 * Request context values as the evaluator sees them: keys are lower-cased (IAM compares context keys
 * case-insensitively), values are strings or lists of strings (multivalued keys). Booleans are
 * "true"/"false", numbers and dates their string form. A key that is absent is unknown to the request.
 */
export type ContextValue = string | readonly string[];
export type RequestContext = ReadonlyMap<string, ContextValue>;

export function contextFrom(
  entries: Record<string, ContextValue | undefined | null>,
): Map<string, ContextValue> {
  const map = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined && value !== null) map.set(key.toLowerCase(), value);
  }
  return map;
}

export function contextValue(context: RequestContext, key: string): ContextValue | undefined {
  return context.get(key.toLowerCase());
}
