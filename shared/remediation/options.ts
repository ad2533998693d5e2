import { z } from 'zod';
import { DEFAULT_CONFIG, type DecisionConfig } from '../analysis/decide.ts';

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
  decision: DecisionConfig;
  /**
   * Roles, users and role sessions whose name starts with this (case-insensitive) are the remediator's own: it never
   * grants to them and ignores the events their calls cause.
   */
  remediatorPrefix: string;
  /** Text the remediator's SDK clients put in their user agent; events whose user agent has it are its own. */
  userAgentMarker: string;
  stormWindowSeconds: number;
  appliesPerAccountPerHour: number;
  verification: VerificationTiming;
  /** Who the audit trail names for automatic applies. */
  actor: string;
}

export const REMEDIATOR_NAME = 'access-remediator';

export const DEFAULT_REMEDIATION_OPTIONS: RemediationOptions = {
  decision: DEFAULT_CONFIG,
  remediatorPrefix: REMEDIATOR_NAME,
  userAgentMarker: REMEDIATOR_NAME,
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
    decision,
    remediatorPrefix: settings.remediatorPrefix ?? base.remediatorPrefix,
    userAgentMarker: settings.userAgentMarker ?? base.userAgentMarker,
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
