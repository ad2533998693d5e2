import { createTwoFilesPatch } from 'diff';
import { canonicalJson } from '../policy/canonical.ts';
import type { PolicyDocument } from '../policy/types.ts';

function text(document: PolicyDocument | null): string {
  return document === null ? '(no policy)\n' : `${canonicalJson(document, 2)}\n`;
}

/**
 * A unified diff from the document the audit trail recorded to the one found now. Keys are sorted on both sides
 * so that only real changes show, not the order a service happened to return them in.
 */
export function driftDiff(
  name: string,
  recorded: PolicyDocument | null,
  current: PolicyDocument | null,
): string {
  return createTwoFilesPatch(
    `${name} (recorded after-image)`,
    `${name} (current)`,
    text(recorded),
    text(current),
    '',
    '',
    {
      context: 3,
    },
  )
    .split('\n')
    .filter((line) => !line.startsWith('====') && line !== '\\ No newline at end of file')
    .join('\n')
    .trimEnd();
}
