import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';

/** The contract's report schema (the project's copy in contract/), compiled once for every test that needs it. */
const schema = JSON.parse(readFileSync(join(__dirname, '../../contract/report.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
export const validateReportLine = ajv.compile(schema);

export function reportSchemaErrors(line: unknown): string[] {
  return validateReportLine(line)
    ? []
    : (validateReportLine.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}
