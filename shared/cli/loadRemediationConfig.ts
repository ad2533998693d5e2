import { DEFAULT_CONFIG } from '../analysis/decide.ts';
import { configSchema } from '../config/configSchema.ts';
import {
  DEFAULT_REMEDIATION_OPTIONS,
  type RemediationOptions,
  remediationOptionsFrom,
  remediationSettingsSchema,
} from '../remediation/options.ts';
import { describeIssues, InputFileError, readJson } from './loadFiles.ts';

/**
 * The configuration for `remediate`: the decision configuration `analyze` reads, plus an optional `remediation`
 * member (storm window, apply limit, the remediator's own name prefix, verification deadline).
 */
export async function loadRemediationOptions(path: string | null): Promise<RemediationOptions> {
  if (path === null) return { ...DEFAULT_REMEDIATION_OPTIONS, decision: DEFAULT_CONFIG };
  const value = await readJson(path, 'config');
  const { remediation, ...decision } =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { remediation: undefined };
  const parsedDecision = configSchema.safeParse(
    typeof value === 'object' && value !== null && !Array.isArray(value) ? decision : value,
  );
  if (!parsedDecision.success)
    throw new InputFileError(`config ${path} is not valid: ${describeIssues(parsedDecision.error)}`);
  const parsedSettings = remediationSettingsSchema.safeParse(remediation ?? {});
  if (!parsedSettings.success)
    throw new InputFileError(
      `config ${path} is not valid: remediation.${describeIssues(parsedSettings.error)}`,
    );
  return remediationOptionsFrom(parsedDecision.data, parsedSettings.data);
}
