import { UsageError } from './usageError.ts';

const AGE = /^(\d+)\s*(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`/`--until`: an ISO time, or an age (30m, 24h, 7d) counted back from `now`; the result is ISO. */
export function resolveTimeArg(flag: string, text: string, now: Date): string {
  const age = AGE.exec(text.trim());
  if (age)
    return new Date(now.getTime() - Number(age[1]) * UNIT_MS[age[2] as keyof typeof UNIT_MS]).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new UsageError(`${flag} must be an ISO time or an age such as 24h, not "${text}"`);
  return new Date(at).toISOString();
}
