import { z } from 'zod';
import { isArnOf, parseArn } from '../arn/arn.ts';
import { configSchema } from '../config/configSchema.ts';
import {
  type RemediationOptions,
  remediationOptionsFrom,
  remediationSettingsSchema,
} from '../remediation/options.ts';

/**
 * The remediate function's settings, from its environment (template.yaml gives them). Pure: the environment comes in
 * as a plain record and problems come back as data; the function's module throws on them at cold start.
 */
export interface RemediateSettings {
  auditTable: string;
  proposalsTable: string;
  idempotencyTable: string;
  stormTable: string;
  topicArn: string;
  memberRoleName: string;
  organizationId: string;
  options: RemediationOptions;
}

const name = z.string().trim().min(1, 'is empty');

const environmentSchema = z.object({
  AUDIT_TABLE: name,
  PROPOSALS_TABLE: name,
  IDEMPOTENCY_TABLE: name,
  STORM_TABLE: name,
  TOPIC_ARN: z
    .string()
    .refine(
      (arn) => isArnOf(arn, 'sns', '', { regional: true }) && /^[\w.-]{1,256}$/.test(parseArn(arn)!.resource),
      'is not an SNS topic ARN',
    ),
  // A role name, optionally with a path ("path/name"), as shared/aws/clients.ts accepts it.
  MEMBER_ROLE_NAME: z.string().regex(/^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, 'is not an IAM role name'),
  ORGANIZATION_ID: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'is not an organization id (o-...)'),
  AUTO_APPLY_CONFIG: name,
  // Read by Powertools itself; required here so that a deployment without them fails at once, not silently.
  POWERTOOLS_SERVICE_NAME: name,
  POWERTOOLS_METRICS_NAMESPACE: name,
});

export type EnvironmentResult = { ok: true; settings: RemediateSettings } | { ok: false; problems: string[] };

function issueText(issue: z.core.$ZodIssue, value: Record<string, string | undefined>): string {
  const variable = String(issue.path[0] ?? '(environment)');
  if (value[variable] === undefined) return `${variable} is not set`;
  return `${variable} ${issue.message}`;
}

/**
 * AUTO_APPLY_CONFIG: the `--config` file's JSON (shared/config/configSchema.ts), with its optional `remediation`
 * member; what is absent keeps its default, and nothing in it can switch a guardrail off.
 */
export function remediationOptionsFromConfigText(
  text: string,
): { ok: true; options: RemediationOptions } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'must be a JSON object (the --config file format)' };
  const { remediation, ...decision } = value as Record<string, unknown>;
  const describe = (error: z.ZodError, prefix: string) =>
    error.issues
      .slice(0, 5)
      .map((issue) => `${prefix}${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('; ');
  const parsedDecision = configSchema.safeParse(decision);
  if (!parsedDecision.success) return { ok: false, problem: describe(parsedDecision.error, '') };
  const parsedSettings = remediationSettingsSchema.safeParse(remediation ?? {});
  if (!parsedSettings.success) return { ok: false, problem: describe(parsedSettings.error, 'remediation.') };
  return { ok: true, options: remediationOptionsFrom(parsedDecision.data, parsedSettings.data) };
}

/** Every problem at once, each naming its variable, so one failed deployment shows all that is wrong. */
export function readRemediateEnvironment(env: Record<string, string | undefined>): EnvironmentResult {
  const parsed = environmentSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issueText(issue, env));
  const configText = env.AUTO_APPLY_CONFIG;
  let options: RemediationOptions | null = null;
  if (configText !== undefined && configText.trim() !== '') {
    const config = remediationOptionsFromConfigText(configText);
    if (config.ok) options = config.options;
    else problems.push(`AUTO_APPLY_CONFIG ${config.problem}`);
  }
  if (!parsed.success || options === null || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;
  return {
    ok: true,
    settings: {
      auditTable: e.AUDIT_TABLE,
      proposalsTable: e.PROPOSALS_TABLE,
      idempotencyTable: e.IDEMPOTENCY_TABLE,
      stormTable: e.STORM_TABLE,
      topicArn: e.TOPIC_ARN,
      memberRoleName: e.MEMBER_ROLE_NAME,
      organizationId: e.ORGANIZATION_ID,
      options,
    },
  };
}
