import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, ROOT } from '../support/runCli.ts';

/**
 * `analyze` must stay byte-identical on every fixture and on the embedded example while the engine is refactored or
 * made faster. The golden file holds the exact stdout of each run (relative paths, so any clone gives the same
 * bytes). A change of behaviour is made on purpose: `UPDATE_GOLDEN=1 npx jest test/integration/goldenOutput` rewrites
 * it, and the diff of the golden file is reviewed with the change.
 */
const GOLDEN = join(ROOT, 'test/golden/analyze-output.txt');
const run = promisify(execFile);

interface Case {
  name: string;
  args: string[];
}

function cases(): Case[] {
  const fixtures = readdirSync(join(ROOT, 'test/fixtures'), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(ROOT, 'test/fixtures', entry.name, 'event.json')),
    )
    .map((entry) => entry.name)
    .sort();
  return [
    {
      name: 'examples',
      args: ['--events', 'examples/events', 'examples/bad-input', '--state', 'examples/state.json'],
    },
    {
      name: 'examples with the auto-apply configuration',
      args: [
        '--events',
        'examples/events',
        '--state',
        'examples/state.json',
        '--config',
        'examples/config.auto-apply.json',
      ],
    },
    ...fixtures.map((name) => {
      const dir = `test/fixtures/${name}`;
      const config = existsSync(join(ROOT, dir, 'config.json')) ? ['--config', `${dir}/config.json`] : [];
      return { name, args: ['--events', `${dir}/event.json`, '--state', `${dir}/state.json`, ...config] };
    }),
  ];
}

async function outputOf(testCase: Case): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [CLI, 'analyze', '--format', 'json', ...testCase.args], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    // Exit 1 (some records invalid) still prints the lines.
    const failed = error as { code?: number; stdout?: string };
    if (failed.code === 1 && typeof failed.stdout === 'string') return failed.stdout;
    throw error;
  }
}

async function currentOutput(): Promise<string> {
  const all = cases();
  const outputs: string[] = new Array(all.length);
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const index = next++;
      outputs[index] = `## ${all[index]!.name}\n${await outputOf(all[index]!)}`;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return outputs.join('');
}

describe('analyze output', () => {
  it('is byte-identical to the golden file on every fixture and example', async () => {
    const output = await currentOutput();
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, output);
    expect(output.length).toBeGreaterThan(10_000);
    expect(output).toBe(readFileSync(GOLDEN, 'utf8'));
  }, 120_000);
});
