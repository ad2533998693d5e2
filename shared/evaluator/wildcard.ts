import type { RequestContext } from './context.ts';

/**
 * IAM string patterns: `*` (any run of characters, none included) and `?` (exactly one character), with
 * policy variables `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}`.
 *
 * Patterns without variables compile once into a matcher kept in a bounded cache: Action, Resource and
 * condition values repeat across millions of evaluations. Patterns whose variables are substituted depend
 * on the request, so they are rebuilt per call and only their regular expressions are cached.
 */

export interface WildcardOptions {
  ignoreCase: boolean;
  /** Substitute policy variables from this context; leave undefined to read `${...}` as literal text. */
  context?: RequestContext;
}

/** A `${...}` token: the text it stands for, or a context key to look up. */
interface VariableToken {
  /** Index just past the closing `}`. */
  end: number;
  /** Literal replacement for `${*}`, `${?}`, `${$}`; null for a context-key variable. */
  literal: string | null;
  /** Lower-cased context key. */
  key: string;
  /** Value written as `${key, 'default'}`, used when the key has no value. */
  fallback: string | undefined;
}

const VARIABLE_BODY = /^\s*([^,']+?)\s*(?:,\s*'([^']*)'\s*)?$/;

/** Reads the variable starting at `start` (which holds `${`); null when no closing brace follows. */
function readVariable(text: string, start: number): VariableToken | null {
  let quoted = false;
  let close = -1;
  for (let index = start + 2; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 39 /* ' */) quoted = !quoted;
    else if (char === 125 /* } */ && !quoted) {
      close = index;
      break;
    }
  }
  if (close === -1) return null;
  const body = text.slice(start + 2, close);
  if (body === '*' || body === '?' || body === '$')
    return { end: close + 1, literal: body, key: '', fallback: undefined };
  const parsed = VARIABLE_BODY.exec(body);
  // A malformed body names no key the context can hold, so it resolves to nothing.
  if (parsed === null)
    return { end: close + 1, literal: null, key: body.trim().toLowerCase(), fallback: undefined };
  return { end: close + 1, literal: null, key: parsed[1]!.toLowerCase(), fallback: parsed[2] };
}

/** The text a variable stands for, or null when the key is absent without default, or multivalued. */
function variableValue(token: VariableToken, context: RequestContext): string | null {
  if (token.literal !== null) return token.literal;
  const value = context.get(token.key);
  if (typeof value === 'string') return value;
  if (value === undefined) return token.fallback ?? null;
  return null;
}

/** Substitutes policy variables in `text`; null when one of them has no single value and no default. */
export function resolveVariables(text: string, context: RequestContext): string | null {
  let start = text.indexOf('${');
  if (start === -1) return text;
  let result = '';
  let copied = 0;
  while (start !== -1) {
    const token = readVariable(text, start);
    if (token === null) break;
    const value = variableValue(token, context);
    if (value === null) return null;
    result += text.slice(copied, start) + value;
    copied = token.end;
    start = text.indexOf('${', copied);
  }
  return result + text.slice(copied);
}

/**
 * Lower-cased context keys that variables in `text` refer to and that have no value and no default in
 * `context` (escapes are not keys). Pushes into `into`, skipping keys already listed.
 */
export function collectUnresolvedVariables(text: string, context: RequestContext, into: string[]): void {
  let start = text.indexOf('${');
  while (start !== -1) {
    const token = readVariable(text, start);
    if (token === null) return;
    if (token.literal === null && !context.has(token.key) && token.fallback === undefined) {
      if (!into.includes(token.key)) into.push(token.key);
    }
    start = text.indexOf('${', token.end);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pattern compilation

type Matcher = (value: string) => boolean;

/** A pattern split into literal text, wildcards and (when substitution is on) variables. */
type Piece =
  | { kind: 'text'; text: string; source: string }
  | { kind: 'star' | 'one'; inComponent: boolean }
  | { kind: 'variable'; variable: VariableToken; inComponent: boolean };

interface Template {
  pieces: Piece[];
  /** False for an ARN pattern without its six components: it never matches. */
  valid: boolean;
  hasVariables: boolean;
  wildcards: number;
  /** The only wildcard is a `*` at the very end, so the rest is a literal prefix. */
  trailingStarOnly: boolean;
}

const ARN_COMPONENTS_BEFORE_RESOURCE = 5;
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
const HAS_REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;
const NEVER: Matcher = () => false;
const ALWAYS: Matcher = () => true;

function escapeRegex(text: string): string {
  return HAS_REGEX_SPECIAL.test(text) ? text.replace(REGEX_SPECIAL, '\\$&') : text;
}

/**
 * Splits `pattern` into pieces. `variables` turns `${...}` into variable pieces (otherwise it is text). With
 * `arn`, wildcards and variables before the fifth colon are marked as inside an ARN component.
 */
function tokenize(pattern: string, arn: boolean, variables: boolean): Template {
  const pieces: Piece[] = [];
  let wildcards = 0;
  let hasVariables = false;
  let colons = 0;
  let runStart = 0;
  const pushText = (end: number): void => {
    if (end > runStart) {
      const text = pattern.slice(runStart, end);
      pieces.push({ kind: 'text', text, source: escapeRegex(text) });
    }
  };
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    const inComponent = arn && colons < ARN_COMPONENTS_BEFORE_RESOURCE;
    if (char === '*' || char === '?') {
      pushText(index);
      pieces.push({ kind: char === '*' ? 'star' : 'one', inComponent });
      wildcards++;
      runStart = index + 1;
    } else if (char === ':') {
      colons++;
    } else if (variables && char === '$' && pattern[index + 1] === '{') {
      const variable = readVariable(pattern, index);
      if (variable === null) continue;
      pushText(index);
      pieces.push({ kind: 'variable', variable, inComponent });
      hasVariables = true;
      index = variable.end - 1;
      runStart = variable.end;
    }
  }
  pushText(pattern.length);
  const last = pieces[pieces.length - 1];
  return {
    pieces,
    valid: !arn || colons >= ARN_COMPONENTS_BEFORE_RESOURCE,
    hasVariables,
    wildcards,
    trailingStarOnly: wildcards === 1 && last !== undefined && last.kind === 'star',
  };
}

function wildcardSource(piece: Piece & { kind: 'star' | 'one' }): string {
  // Inside an ARN component a wildcard never crosses a colon: components hold none.
  if (piece.kind === 'star') return piece.inComponent ? '[^:]*' : '.*';
  return piece.inComponent ? '[^:]' : '.';
}

function regexFlags(ignoreCase: boolean): string {
  return ignoreCase ? 'isu' : 'su';
}

/**
 * The template's literal text (wildcards dropped) or regex source (`asSource`), with variables substituted
 * from `context` as literal text. Null when a variable cannot be resolved, or when an ARN component would
 * hold a colon (it then cannot equal a component of a real ARN).
 */
function render(template: Template, context: RequestContext | undefined, asSource: boolean): string | null {
  let out = '';
  for (const piece of template.pieces) {
    if (piece.kind === 'text') {
      out += asSource ? piece.source : piece.text;
    } else if (piece.kind === 'variable') {
      const value = context === undefined ? null : variableValue(piece.variable, context);
      if (value === null || (piece.inComponent && value.includes(':'))) return null;
      out += asSource ? escapeRegex(value) : value;
    } else if (asSource) {
      out += wildcardSource(piece);
    }
  }
  return out;
}

/** A reusable matcher for a template without variables. */
function toMatcher(template: Template, ignoreCase: boolean): Matcher {
  if (!template.valid) return NEVER;
  if (template.wildcards === 0) {
    const literal = render(template, undefined, false)!;
    if (!ignoreCase) return (value) => value === literal;
    const lower = literal.toLowerCase();
    return (value) => value.toLowerCase() === lower;
  }
  if (template.trailingStarOnly && !ignoreCase) {
    const prefix = render(template, undefined, false)!;
    return prefix === '' ? ALWAYS : (value) => value.startsWith(prefix);
  }
  const regex = new RegExp(`^${render(template, undefined, true)}$`, regexFlags(ignoreCase));
  return (value) => regex.test(value);
}

interface CompiledPattern {
  /** Matcher that reads `${...}` literally (no substitution). */
  test: Matcher;
  /** Template with variable pieces, when the pattern has variables (for substitution per call). */
  withVariables: Template | null;
}

const CACHE_LIMIT = 10_000;
const RESOLVED_CACHE_LIMIT = 2_000;

/** Separate caches per mode, keyed by the raw pattern (no key concatenation on the hot path). */
const caseSensitivePatterns = new Map<string, CompiledPattern>();
const caseInsensitivePatterns = new Map<string, CompiledPattern>();
const arnPatterns = new Map<string, CompiledPattern>();
/** Regexes of patterns after substitution, keyed by source; apart so per-user patterns cannot evict the rest. */
const resolvedCaseSensitive = new Map<string, RegExp>();
const resolvedCaseInsensitive = new Map<string, RegExp>();

function remember<V>(cache: Map<string, V>, key: string, value: V, limit: number): void {
  if (cache.size >= limit) {
    // Maps iterate in insertion order: drop the oldest entry.
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, value);
}

function compiled(pattern: string, ignoreCase: boolean, arn: boolean): CompiledPattern {
  const cache = arn ? arnPatterns : ignoreCase ? caseInsensitivePatterns : caseSensitivePatterns;
  let entry = cache.get(pattern);
  if (entry === undefined) {
    const withVariables = pattern.includes('${') ? tokenize(pattern, arn, true) : null;
    entry = {
      test: toMatcher(tokenize(pattern, arn, false), ignoreCase),
      withVariables: withVariables?.hasVariables === true ? withVariables : null,
    };
    remember(cache, pattern, entry, CACHE_LIMIT);
  }
  return entry;
}

/** Matches a template whose variables are substituted from `context` (the characters they give are literal). */
function matchWithVariables(
  template: Template,
  value: string,
  ignoreCase: boolean,
  context: RequestContext,
): boolean {
  if (!template.valid) return false;
  if (template.wildcards === 0) {
    const literal = render(template, context, false);
    if (literal === null) return false;
    return ignoreCase ? value.toLowerCase() === literal.toLowerCase() : value === literal;
  }
  if (template.trailingStarOnly && !ignoreCase) {
    const prefix = render(template, context, false);
    return prefix !== null && value.startsWith(prefix);
  }
  const source = render(template, context, true);
  if (source === null) return false;
  const cache = ignoreCase ? resolvedCaseInsensitive : resolvedCaseSensitive;
  let regex = cache.get(source);
  if (regex === undefined) {
    regex = new RegExp(`^${source}$`, regexFlags(ignoreCase));
    remember(cache, source, regex, RESOLVED_CACHE_LIMIT);
  }
  return regex.test(value);
}

/** IAM wildcard match of a whole string: `*` any run (colons and slashes included), `?` one character. */
export function wildcardMatch(pattern: string, value: string, options: WildcardOptions): boolean {
  if (pattern === '*') return true;
  const entry = compiled(pattern, options.ignoreCase, false);
  if (entry.withVariables !== null && options.context !== undefined) {
    return matchWithVariables(entry.withVariables, value, options.ignoreCase, options.context);
  }
  return entry.test(value);
}

/**
 * IAM ARN match (Resource elements, ArnLike/ArnEquals): `*` alone matches anything; otherwise partition,
 * service, region and account are matched component by component (a wildcard there never crosses a colon)
 * and the resource part, colons included, as a whole. Case-sensitive. An ARN (pattern or value) with fewer
 * than six colon-separated components never matches.
 */
export function arnMatch(pattern: string, arn: string, context?: RequestContext): boolean {
  if (pattern === '*') return true;
  const entry = compiled(pattern, false, true);
  if (entry.withVariables !== null && context !== undefined) {
    return matchWithVariables(entry.withVariables, arn, false, context);
  }
  return entry.test(arn);
}
