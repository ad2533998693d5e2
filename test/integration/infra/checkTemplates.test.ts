import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../support/runCli.ts';

/**
 * scripts/check-templates.sh in CI: cfn-lint on every template, `sam validate --lint`, and `sam build` of the central
 * stack with the bundle sizes printed. Its output is shown when it fails.
 */

const TEN_MINUTES = 10 * 60_000;

it(
  'passes cfn-lint, sam validate --lint and sam build for every template',
  () => {
    const run = spawnSync('bash', [join(ROOT, 'scripts/check-templates.sh')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: TEN_MINUTES,
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0)
      throw new Error(`check-templates.sh exited with ${run.status}:\n${output.slice(-8000)}`);
    // The size table names the remediate function's bundle.
    expect(output).toMatch(/^RemediateFunction\s+handler\.mjs\s+\d+\s+\d+$/m);
    const sizes = output
      .split('\n')
      .filter((line) => /^(function\s+file\s|\S+Function\s+\S+\s+\d+\s+\d+$)/.test(line));
    process.stdout.write(`bundle sizes (sam build):\n${sizes.join('\n')}\n`);
  },
  TEN_MINUTES + 30_000,
);
