import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { DecisionConfig } from '../analysis/decide.ts';
import { DEFAULT_CONFIG } from '../analysis/decide.ts';
import { configSchema } from '../config/configSchema.ts';
import { snapshotSchema } from '../state/snapshotSchema.ts';
import { indexSnapshot, type StateIndex } from '../state/stateIndex.ts';

/** A file the run cannot use: the CLI reports it on stderr and exits 2. */
export class InputFileError extends Error {
  override name = 'InputFileError';
}

export async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? cause})`;
    throw new InputFileError(`${what} ${path} ${problem}`, { cause });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new InputFileError(`${what} ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

export function describeIssues(error: z.ZodError): string {
  const shown = error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '';
  return shown.join('; ') + more;
}

export async function loadSnapshot(path: string): Promise<StateIndex> {
  const value = await readJson(path, 'snapshot');
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success)
    throw new InputFileError(`snapshot ${path} is not valid: ${describeIssues(parsed.error)}`);
  const indexed = indexSnapshot(parsed.data);
  if (!indexed.ok)
    throw new InputFileError(`snapshot ${path} is not valid: ${indexed.errors.slice(0, 5).join('; ')}`);
  return indexed.index;
}

export async function loadConfig(path: string | null): Promise<DecisionConfig> {
  if (path === null) return DEFAULT_CONFIG;
  const parsed = configSchema.safeParse(await readJson(path, 'config'));
  if (!parsed.success)
    throw new InputFileError(`config ${path} is not valid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
