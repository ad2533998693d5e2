import { z } from 'zod';
import { DEFAULT_CONFIG, type DecisionConfig } from '../analysis/decide.ts';
import { remediationSettingsSchema } from '../remediation/options.ts';

/**
 * The operator's decision configuration (`--config`), JSON. Which patches may be applied without a person, and how
 * far object grants reach. Default: nothing is applied automatically.
 */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    autoApply: z
      .array(
        z.strictObject({
          accounts: z
            .array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'))
            .min(1)
            .optional(),
          principals: z.array(z.string().min(1)).min(1).optional(),
          targets: z
            .array(z.enum(['iam-role', 'iam-user', 'kms-key', 's3-bucket']))
            .min(1)
            .optional(),
          actions: z
            .array(z.string().regex(/^[a-zA-Z0-9-]+:[A-Za-z0-9*?]+$/, 'must be service:Action'))
            .min(1)
            .optional(),
        }),
      )
      .default([]),
    objectScope: z.enum(['stable-prefix', 'folder', 'object']).default('stable-prefix'),
    /**
     * Settings of the remediation pipeline (`remediate`, the Lambda). `analyze` reads how the remediator recognises
     * itself from them, so that it decides exactly as `remediate` would.
     */
    remediation: remediationSettingsSchema.optional(),
  })
  .transform(
    (value): DecisionConfig => ({
      autoApply: value.autoApply,
      objectScope: value.objectScope,
      remediator: {
        namePrefix: value.remediation?.remediatorPrefix ?? DEFAULT_CONFIG.remediator.namePrefix,
        userAgentMarker: value.remediation?.userAgentMarker ?? DEFAULT_CONFIG.remediator.userAgentMarker,
      },
    }),
  );
