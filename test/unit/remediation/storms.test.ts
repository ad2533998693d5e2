import { remediateEvent } from '../../../shared/remediation/remediateEvent.ts';
import {
  AUTO_APPLY_ALL,
  eventOf,
  fixtureRecord,
  fixtureState,
  PROPOSE_ONLY,
  world,
} from './support/memoryAdapters.ts';

/**
 * Storms cost one diagnosis: once a second occurrence has confirmed by its diagnosis that events shaped like it
 * belong to the storm, the next ones are counted from the event alone, with no state read and no analysis.
 */
const PUT = 'kc000-putobject-missing-generatedatakey';
const record = fixtureRecord(PUT);
const at = (id: string, time: string, change: Record<string, unknown> = {}) =>
  eventOf(record, { eventID: id, eventTime: time, ...change });
const minute = (m: number) => `2026-11-20T01:${String(m).padStart(2, '0')}:00Z`;

describe('remediateEvent: later occurrences of a storm', () => {
  it('read no state and diagnose nothing from the third on; all are counted on the first record', async () => {
    const w = world(fixtureState(PUT));
    const first = await remediateEvent(at('e0', minute(0)), w.deps, PROPOSE_ONLY);
    await remediateEvent(at('e1', minute(1)), w.deps, PROPOSE_ONLY);
    expect(w.state.reads).toBe(2);
    let last = first;
    for (let i = 2; i < 50; i++) last = await remediateEvent(at(`e${i}`, minute(1)), w.deps, PROPOSE_ONLY);
    expect(w.state.reads).toBe(2);
    expect(last).toMatchObject({ handling: 'storm-occurrence', record: { auditId: 'e0', occurrences: 50 } });
    expect([...w.audit.records.keys()]).toEqual(['e0']);
    expect(w.audit.versions).toHaveLength(1);
    expect(w.notifier.notified).toHaveLength(1);
    expect(w.policies.writes).toEqual([]);
    expect(first.record.outcome).toBe('proposed');
  });

  it('end with the storm window: the first event after it is diagnosed and recorded anew', async () => {
    const w = world(fixtureState(PUT));
    for (const [i, m] of [0, 5, 14].entries())
      await remediateEvent(at(`e${i}`, minute(m)), w.deps, PROPOSE_ONLY);
    const later = await remediateEvent(at('late', minute(16)), w.deps, PROPOSE_ONLY);
    expect(later.handling).toBe('recorded');
    expect(w.state.reads).toBe(3);
  });

  it('leave redeliveries duplicates, and the remediator’s own calls each ignored on a record of its own', async () => {
    const w = world(fixtureState(PUT));
    for (let i = 0; i < 3; i++) await remediateEvent(at(`e${i}`, minute(1)), w.deps, PROPOSE_ONLY);
    const again = await remediateEvent(at('e0', minute(1)), w.deps, PROPOSE_ONLY);
    expect(again).toMatchObject({ handling: 'duplicate', record: { auditId: 'e0', occurrences: 3 } });
    const own = (id: string) => at(id, minute(1), { userAgent: 'access-remediator/0.1.0' });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await remediateEvent(own(`own${i}`), w.deps, AUTO_APPLY_ALL));
    expect(results.map((r) => [r.handling, r.record.auditId, r.record.outcome])).toEqual([
      ['recorded', 'own0', 'ignored'],
      ['recorded', 'own1', 'ignored'],
      ['recorded', 'own2', 'ignored'],
    ]);
    expect(w.policies.writes).toEqual([]);
  });

  it('are diagnosed when they differ in what was asked (another object), and form their own storm', async () => {
    const w = world(fixtureState(PUT));
    for (let i = 0; i < 3; i++) await remediateEvent(at(`e${i}`, minute(1)), w.deps, PROPOSE_ONLY);
    const params = record.requestParameters as Record<string, unknown>;
    const other = await remediateEvent(
      at('other', minute(1), { requestParameters: { ...params, key: 'other/object.csv' } }),
      w.deps,
      PROPOSE_ONLY,
    );
    expect(other.handling).toBe('recorded');
    expect(w.state.reads).toBe(3);
  });

  it('do not take the fast path on what an unreadable state said', async () => {
    const w = world(fixtureState(PUT));
    w.state.failWith = new Error('throttled');
    for (let i = 0; i < 3; i++) await remediateEvent(at(`e${i}`, minute(1)), w.deps, PROPOSE_ONLY);
    w.state.failWith = null;
    const readable = await remediateEvent(at('readable', minute(1)), w.deps, PROPOSE_ONLY);
    expect(readable.handling).toBe('recorded');
    expect(readable.record.verdict).toBe('missing-allow');
  });
});
