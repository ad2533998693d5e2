import { parsePolicyDocument } from '../policy/parseDocument.ts';
import type { PolicyDocument } from '../policy/types.ts';
import type { PolicyInput } from '../state/snapshotSchema.ts';
import { AwsAdapterError } from './errors.ts';

/**
 * A policy as an AWS API returns it (IAM: URL-encoded JSON; KMS, S3, Organizations, EC2: JSON) as the snapshot
 * holds it: a JSON object when the text decodes, else the text itself, so that the snapshot's validation names
 * the document that cannot be read instead of this adapter hiding it.
 */
export function policyFromAws(text: string): PolicyInput {
  const trimmed = text.trim();
  try {
    const json = trimmed.startsWith('{') ? trimmed : decodeURIComponent(trimmed);
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as PolicyInput;
  } catch {
    // fall through: keep the text
  }
  return text;
}

/** A policy document the remediator will change; one that does not parse is an error, never an empty policy. */
export function documentFromAws(text: string, where: string): PolicyDocument {
  const parsed = parsePolicyDocument(text);
  if (!parsed.ok) throw new AwsAdapterError(`${where}: the stored policy cannot be read: ${parsed.error}`);
  return parsed.document;
}
