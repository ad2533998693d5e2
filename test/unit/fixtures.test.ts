import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRecord } from '../../shared/analysis/analyzeRecord.ts';
import { recordsFromText } from '../../shared/input/records.ts';
import { type ExpectedReport, reportDifferences } from '../support/expectReport.ts';
import { loadConfigFile, loadState, readJson } from '../support/loadCase.ts';
import { reportSchemaErrors } from '../support/reportSchema.ts';

/** Table-driven cases: one folder per case with event.json, state.json, expected.json (and config.json if needed). */
const root = join(__dirname, '../fixtures');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'expected.json')))
  .map((entry) => entry.name)
  .sort();

describe('fixture cases', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', (name) => {
    const dir = join(root, name);
    const state = loadState(join(dir, 'state.json'));
    const configPath = join(dir, 'config.json');
    const config = loadConfigFile(existsSync(configPath) ? configPath : null);
    const records = recordsFromText(readFileSync(join(dir, 'event.json'), 'utf8'), `${name}/event.json`, {
      jsonLines: false,
    });
    expect(records).toHaveLength(1);
    const line = analyzeRecord(records[0]!, state, config);
    expect(reportSchemaErrors(line)).toEqual([]);
    const differences = reportDifferences(line, readJson<ExpectedReport>(join(dir, 'expected.json')));
    expect({ reason: line.reason, differences }).toEqual({ reason: line.reason, differences: [] });
  });
});
