import { sameJson } from '../policy/canonical.ts';
import type { PolicyDocument } from '../policy/types.ts';
import type { Patch } from '../report/types.ts';
import { type PolicyStore, targetOf } from './ports.ts';
import { messageOf } from './waitUntil.ts';

function label(patch: Patch): string {
  return patch.policyName ? `${patch.target.arn} (${patch.policyName})` : patch.target.arn;
}

async function put(policies: PolicyStore, patch: Patch, document: PolicyDocument | null): Promise<void> {
  const target = targetOf(patch);
  if (document === null) await policies.remove(target);
  else await policies.write(target, document);
}

/**
 * Puts `restore`-images back where `written`-images were written (a failed apply undoes its writes; a failed
 * rollback re-applies). A target that holds neither image was changed by someone else since: it is left as it is and
 * named, since overwriting it would destroy their change. A target that already reads as the image to restore is
 * written again all the same (the read may be stale: IAM is eventually consistent), except `uncertain`, the one
 * whose write failed and may never have landed. Returns what could not be restored; empty when all went back.
 */
export async function putBack(
  patches: Patch[],
  policies: PolicyStore,
  images: { restore: (p: Patch) => PolicyDocument | null; written: (p: Patch) => PolicyDocument | null },
  uncertain: Patch | null,
): Promise<string[]> {
  const problems: string[] = [];
  for (const patch of [...patches].reverse()) {
    const wanted = images.restore(patch);
    let current: PolicyDocument | null | undefined;
    try {
      current = await policies.read(targetOf(patch));
    } catch {
      current = undefined; // unknown: put the image back regardless
    }
    const holdsWanted = current !== undefined && sameJson(current, wanted);
    if (holdsWanted && patch === uncertain) continue;
    if (current !== undefined && !holdsWanted && !sameJson(current, images.written(patch))) {
      problems.push(`${label(patch)} was changed by someone else meanwhile and was left as it is`);
      continue;
    }
    try {
      await put(policies, patch, wanted);
    } catch (error) {
      problems.push(`${label(patch)} could not be restored: ${messageOf(error)}`);
    }
  }
  return problems;
}

export function restoreBeforeImages(
  patches: Patch[],
  policies: PolicyStore,
  uncertain: Patch | null = null,
): Promise<string[]> {
  return putBack(patches, policies, { restore: (p) => p.before, written: (p) => p.after }, uncertain);
}

export function reapplyAfterImages(
  patches: Patch[],
  policies: PolicyStore,
  uncertain: Patch | null = null,
): Promise<string[]> {
  return putBack(patches, policies, { restore: (p) => p.after, written: (p) => p.before }, uncertain);
}

export { label as patchLabel, put as putDocument };
