import { z } from 'zod';
import { DEFAULT_CONFIG, type DecisionConfig } from '../analysis/decide.ts';
import { REMEDIATOR_NAME } from '../remediatorName.ts';

/** How long to wait for a written policy to become visible and effective (IAM is eventually consistent). */
export interface VerificationTiming {
  /** Wait before the second check; the first check follows the write at once. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up (and restore the before-images) when the change is not effective this long after the write. */
  deadlineMs: number;
}

/** The operator's settings for the remediation pipeline; the guardrails themselves are not among them. */
export interface RemediationOptions {
  /** Includes how the remediator recognises its own identities and calls (`decision.remediator`). */
  decision: DecisionConfig;
  stormWindowSeconds: number;
  appliesPerAccountPerHour: number;
  verification: VerificationTiming;
  /** Who the audit trail names for automatic applies. */
  actor: string;
}

export const DEFAULT_REMEDIATION_OPTIONS: RemediationOptions = {
  decision: DEFAULT_CONFIG,
  stormWindowSeconds: 15 * 60,
  appliesPerAccountPerHour: 10,
  verification: { initialDelayMs: 500, maxDelayMs: 8_000, deadlineMs: 60_000 },
  actor: REMEDIATOR_NAME,
};

/**
 * The `remediation` member of a configuration file. Every field is optional; what is absent keeps its default.
 * Nothing here can switch a guardrail off: an empty prefix or marker is rejected, since it would match nothing.
 */
export const remediationSettingsSchema = z.strictObject({
  remediatorPrefix: z.string().min(1).optional(),
  userAgentMarker: z.string().min(1).optional(),
  stormWindowMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .optional(),
  appliesPerAccountPerHour: z.number().int().min(0).max(1000).optional(),
  verifyDeadlineSeconds: z.number().positive().max(900).optional(),
});

export type RemediationSettings = z.infer<typeof remediationSettingsSchema>;

export function remediationOptionsFrom(
  decision: DecisionConfig,
  settings: RemediationSettings,
): RemediationOptions {
  const base = DEFAULT_REMEDIATION_OPTIONS;
  return {
    ...base,
    decision: {
      ...decision,
      remediator: {
        namePrefix: settings.remediatorPrefix ?? decision.remediator.namePrefix,
        userAgentMarker: settings.userAgentMarker ?? decision.remediator.userAgentMarker,
      },
    },
    stormWindowSeconds:
      settings.stormWindowMinutes !== undefined ? settings.stormWindowMinutes * 60 : base.stormWindowSeconds,
    appliesPerAccountPerHour: settings.appliesPerAccountPerHour ?? base.appliesPerAccountPerHour,
    verification: {
      ...base.verification,
      deadlineMs:
        settings.verifyDeadlineSeconds !== undefined
          ? settings.verifyDeadlineSeconds * 1000
          : base.verification.deadlineMs,
    },
  };
}
