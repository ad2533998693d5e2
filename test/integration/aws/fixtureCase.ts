import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEvent } from '../../../shared/analysis/analyzeEvent.ts';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { normalizeRecord } from '../../../shared/events/normalize.ts';
import type { NormalizedEvent } from '../../../shared/events/types.ts';
import type { ReportLine } from '../../../shared/report/types.ts';
import { type Snapshot, snapshotSchema } from '../../../shared/state/snapshotSchema.ts';
import { indexSnapshot } from '../../../shared/state/stateIndex.ts';
import type { ExpectedReport } from '../../support/expectReport.ts';
import { loadConfigFile } from '../../support/loadCase.ts';
import { seedFromSnapshot, unsupportedFeature } from './seedFromSnapshot.ts';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** A fixture case recreated in moto: its event and expectation rewritten to the emulator's ids. */
export interface LiveCase {
  event: NormalizedEvent;
  expected: ExpectedReport;
  ids: Map<string, string>;
  rewrite(text: string): string;
}

export function fixtureSnapshot(name: string): Snapshot {
  return snapshotSchema.parse(JSON.parse(readFileSync(join(FIXTURES, name, 'state.json'), 'utf8')));
}

/** Fixture cases whose state moto can hold, and the others with the reason. */
export function fixtureCases(): { supported: string[]; unsupported: [string, string][] } {
  const supported: string[] = [];
  const unsupported: [string, string][] = [];
  for (const entry of readdirSync(FIXTURES, { withFileTypes: true })) {
    const dir = join(FIXTURES, entry.name);
    if (!entry.isDirectory() || !existsSync(join(dir, 'expected.json'))) continue;
    const event = JSON.parse(readFileSync(join(dir, 'event.json'), 'utf8').trim() || 'null');
    if (!normalizeRecord(event?.detail ?? event ?? {}).ok) {
      unsupported.push([entry.name, 'the event is not readable (nothing to read live)']);
      continue;
    }
    const reason = unsupportedFeature(fixtureSnapshot(entry.name));
    if (reason) unsupported.push([entry.name, reason]);
    else supported.push(entry.name);
  }
  return { supported: supported.sort(), unsupported };
}

export async function seedCase(seedClients: AwsClients, name: string): Promise<LiveCase> {
  const dir = join(FIXTURES, name);
  const seeded = await seedFromSnapshot(seedClients, fixtureSnapshot(name));
  const raw = JSON.parse(seeded.rewrite(readFileSync(join(dir, 'event.json'), 'utf8')));
  const normalized = normalizeRecord(raw.detail ?? raw);
  if (!normalized.ok) throw new Error(`${name}: ${normalized.reason}`);
  return {
    event: normalized.event,
    expected: JSON.parse(seeded.rewrite(readFileSync(join(dir, 'expected.json'), 'utf8'))),
    ids: seeded.ids,
    rewrite: seeded.rewrite,
  };
}

/** The snapshot must pass the contract's schema and index cleanly; then the engine gives the report line. */
export function analyzeLive(name: string, event: NormalizedEvent, snapshot: Snapshot): ReportLine {
  const parsed = snapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw new Error(`live snapshot is not valid: ${JSON.stringify(parsed.error.issues)}`);
  const indexed = indexSnapshot(parsed.data);
  if (!indexed.ok) throw new Error(`live snapshot does not index: ${indexed.errors.join('; ')}`);
  const configPath = join(FIXTURES, name, 'config.json');
  return analyzeEvent(event, indexed.index, loadConfigFile(existsSync(configPath) ? configPath : null));
}
