import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeRecord } from '../../shared/analysis/analyzeRecord.ts';
import { DEFAULT_CONFIG } from '../../shared/analysis/decide.ts';
import { recordsFromText } from '../../shared/input/records.ts';
import { snapshotSchema } from '../../shared/state/snapshotSchema.ts';
import { indexSnapshot } from '../../shared/state/stateIndex.ts';
import { loadState } from '../support/loadCase.ts';
import { reportSchemaErrors } from '../support/reportSchema.ts';

const root = join(__dirname, '../..');
const eventText = readFileSync(join(root, 'contract/examples/event.json'), 'utf8');
const stateText = readFileSync(join(root, 'contract/examples/state.json'), 'utf8');
const state = loadState(join(root, 'contract/examples/state.json'));
const event = JSON.parse(eventText) as { detail: Record<string, unknown> };

/** Replaces the value at a random path of a JSON value with an arbitrary one. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return replacement;
  const [key] = entries[path[0]! % entries.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  (copy as Record<string, unknown>)[key] = mutate(
    (value as Record<string, unknown>)[key],
    path.slice(1),
    replacement,
  );
  return copy;
}

const lines = (text: string) =>
  recordsFromText(text, 'generated.json', { jsonLines: false }).map((raw) =>
    analyzeRecord(raw, state, DEFAULT_CONFIG),
  );

describe('the analyzer never crashes on bad input', () => {
  it('gives every truncated event a valid report line', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: eventText.length }), (cut) => {
        for (const line of lines(eventText.slice(0, cut))) expect(reportSchemaErrors(line)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives every mutated event a valid report line', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue(), (path, replacement) => {
        const text = JSON.stringify(mutate(event, path, replacement));
        const result = lines(text);
        expect(result.length).toBeGreaterThanOrEqual(0);
        for (const line of result) expect(reportSchemaErrors(line)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives arbitrary JSON a valid report line', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const line of lines(JSON.stringify(value))) expect(reportSchemaErrors(line)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects truncated or mutated snapshots with a message, or analyses with them, never throwing', () => {
    const snapshot = JSON.parse(stateText);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.jsonValue(), (path, replacement) => {
        const parsed = snapshotSchema.safeParse(mutate(snapshot, path, replacement));
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          return;
        }
        const indexed = indexSnapshot(parsed.data);
        if (!indexed.ok) {
          expect(indexed.errors.join()).toMatch(/accounts|organization/);
          return;
        }
        const [raw] = recordsFromText(eventText, 'event.json', { jsonLines: false });
        expect(reportSchemaErrors(analyzeRecord(raw!, indexed.index, DEFAULT_CONFIG))).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
