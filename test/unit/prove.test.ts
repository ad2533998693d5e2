import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEvent } from '../../shared/analysis/analyzeEvent.ts';
import { DEFAULT_CONFIG } from '../../shared/analysis/decide.ts';
import { evaluateNeeds } from '../../shared/analysis/evaluateNeeds.ts';
import { provePatches } from '../../shared/analysis/prove.ts';
import { grantsFor } from '../../shared/analysis/synthesize.ts';
import { normalizeRecord } from '../../shared/events/normalize.ts';
import { parseDenialMessage } from '../../shared/messages/parseDenialMessage.ts';
import { permissionNeeds } from '../../shared/permissions/needs.ts';
import type { Patch } from '../../shared/report/types.ts';
import { resolveCaller } from '../../shared/state/resolveCaller.ts';
import { loadState } from '../support/loadCase.ts';

/** The proof must catch a patch that grants more than the call needed; these tamper with a proven patch. */
const dir = join(__dirname, '../fixtures/kc001-cross-account-getobject-three-patches');
const state = loadState(join(dir, 'state.json'));
const record = JSON.parse(readFileSync(join(dir, 'event.json'), 'utf8'));
const normalized = normalizeRecord(record.detail ?? record);
if (!normalized.ok) throw new Error(normalized.reason);
const event = normalized.event;
const line = analyzeEvent(event, state, DEFAULT_CONFIG);

function proofOf(patches: Patch[]) {
  const caller = resolveCaller(state, event.caller, event.partition);
  if (!caller.ok) throw new Error(caller.reason);
  const needs = permissionNeeds(event, parseDenialMessage(event.errorCode, event.errorMessage), state);
  if (!needs.ok) throw new Error(needs.reason);
  const before = evaluateNeeds(event, state, caller.identity, caller.principal, needs.needs);
  if (!before.ok) throw new Error(before.stop.reason);
  return provePatches(
    event,
    state,
    caller.identity,
    needs.needs,
    before.items,
    patches,
    grantsFor(before.items, 'stable-prefix'),
  );
}

function tamper(edit: (patch: Patch) => void, type: Patch['target']['type']): Patch[] {
  const patches = structuredClone(line.patches);
  const patch = patches.find((p) => p.target.type === type)!;
  edit(patch);
  return patches;
}

function lastAdded(patch: Patch) {
  const statements = patch.after.Statement as unknown as Record<string, unknown>[];
  return statements[statements.length - 1]!;
}

describe('provePatches', () => {
  it('proves the synthesized patches', () => {
    expect(line.verdict).toBe('missing-allow');
    const result = proofOf(line.patches);
    expect(result.ok).toBe(true);
    expect(result.proof.sweep.newlyAllowed).toBeGreaterThan(0);
    expect(result.proof.sweep.unintended).toEqual([]);
  });

  it.each([
    [
      'a key policy grant to the whole consumer account',
      'kms-key' as const,
      (p: Patch) => {
        lastAdded(p).Principal = { AWS: 'arn:aws:iam::444455556666:root' };
      },
    ],
    [
      'a key policy grant of kms:Encrypt too',
      'kms-key' as const,
      (p: Patch) => {
        lastAdded(p).Action = ['kms:Decrypt', 'kms:Encrypt'];
      },
    ],
    [
      'a bucket grant on every object',
      's3-bucket' as const,
      (p: Patch) => {
        lastAdded(p).Resource = 'arn:aws:s3:::example-shared-features/*';
      },
    ],
    [
      'a bucket grant to everyone',
      's3-bucket' as const,
      (p: Patch) => {
        lastAdded(p).Principal = '*';
      },
    ],
    [
      'an identity grant of s3:DeleteObject',
      'iam-role' as const,
      (p: Patch) => {
        const statement = (p.after.Statement as unknown as Record<string, unknown>[]).find((s) =>
          String(s.Sid).endsWith('S3'),
        )!;
        statement.Action = ['s3:GetObject', 's3:DeleteObject'];
      },
    ],
  ])('rejects %s', (_name, type, edit) => {
    const result = proofOf(tamper(edit, type));
    expect(result.ok).toBe(false);
    expect(result.proof.sweep.unintended.length).toBeGreaterThan(0);
  });
});
