import { readFileSync } from 'node:fs';
import type { DecisionConfig } from '../../shared/analysis/decide.ts';
import { DEFAULT_CONFIG } from '../../shared/analysis/decide.ts';
import { configSchema } from '../../shared/config/configSchema.ts';
import { snapshotSchema } from '../../shared/state/snapshotSchema.ts';
import { indexSnapshot, type StateIndex } from '../../shared/state/stateIndex.ts';

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A snapshot file as the CLI reads it, failing the test loudly when it is not valid. */
export function loadState(path: string): StateIndex {
  const parsed = snapshotSchema.parse(readJson(path));
  const indexed = indexSnapshot(parsed);
  if (!indexed.ok) throw new Error(`${path}: ${indexed.errors.join('; ')}`);
  return indexed.index;
}

export function loadConfigFile(path: string | null): DecisionConfig {
  return path ? configSchema.parse(readJson(path)) : DEFAULT_CONFIG;
}
