import type { Clock } from '../remediation/ports.ts';

/** The real time, for the CLI and the Lambda; tests inject their own. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
