import type { VerificationTiming } from './options.ts';
import type { Clock } from './ports.ts';

export type Check = { done: true } | { done: false; why: string };

export type WaitResult = { ok: true; checks: number } | { ok: false; checks: number; why: string };

/**
 * Runs `check` at once, then with exponentially growing pauses, until it is done or the deadline passes. A check
 * that throws counts as not done yet (a read may fail while a change propagates); its message is kept as the reason.
 */
export async function waitUntil(
  check: () => Promise<Check>,
  clock: Clock,
  timing: VerificationTiming,
): Promise<WaitResult> {
  const deadline = clock.now().getTime() + timing.deadlineMs;
  let delay = timing.initialDelayMs;
  let checks = 0;
  for (;;) {
    checks += 1;
    let result: Check;
    try {
      result = await check();
    } catch (error) {
      result = { done: false, why: messageOf(error) };
    }
    if (result.done) return { ok: true, checks };
    const left = deadline - clock.now().getTime();
    if (left <= 0) return { ok: false, checks, why: result.why };
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, timing.maxDelayMs);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
