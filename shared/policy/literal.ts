/**
 * IAM reads `*` and `?` in Resource (and `${…}` in 2012-10-17 documents) as wildcards and variables, and has no
 * other escape than the documented `${*}`, `${?}` and `${$}`. Text taken from an event (an object key, a copy
 * source) must stay literal in a policy, or a denied GetObject of key `*` would become a grant on the whole bucket.
 */
export function literalPattern(text: string): string {
  return text.replace(/[*?$]/g, (char) => `\${${char}}`);
}

/** Whether text from an event would change meaning if written into a policy unescaped. */
export function hasPatternCharacters(text: string): boolean {
  return /[*?$]/.test(text);
}
