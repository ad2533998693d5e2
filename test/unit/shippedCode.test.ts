import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** The AGPL oracle is a development tool only: nothing that ships may import it, nor the pure core the SDK. */
const root = join(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every shipped source file under `base` (shared/ and functions/), as paths relative to it. */
function shippedFiles(base: string): string[] {
  return ['shared', 'functions']
    .flatMap((dir) => sourceFiles(join(base, dir)))
    .map((file) => relative(base, file));
}

const importsOracle = (text: string): boolean =>
  /from ['"]@cloud-copilot\//.test(text) || /require\(['"]@cloud-copilot\//.test(text);
const importsSdk = (text: string): boolean =>
  /from ['"]@aws-sdk\//.test(text) || /import\(['"]@aws-sdk\//.test(text);

/** The shipped files that break the two rules, as `rule: file`. */
function offenders(base: string): string[] {
  return shippedFiles(base).flatMap((file) => {
    const text = readFileSync(join(base, file), 'utf8');
    const found: string[] = [];
    if (importsOracle(text)) found.push(`imports the oracle: ${file}`);
    if (importsSdk(text) && !file.startsWith(`${join('shared', 'aws')}/`))
      found.push(`imports the SDK outside shared/aws: ${file}`);
    return found;
  });
}

describe('shipped code', () => {
  it('scans every handler and the core (a scan of nothing would pass anything)', () => {
    const files = shippedFiles(root);
    expect(files.length).toBeGreaterThan(100);
    for (const known of [
      'functions/remediate/handler.ts',
      'shared/analysis/decide.ts',
      'shared/evaluator/authorize.ts',
      'shared/aws/clients.ts',
    ]) {
      expect(files).toContain(known);
    }
  });

  it('never imports the differential-test oracle, and keeps the AWS SDK inside shared/aws/', () => {
    expect(offenders(root)).toEqual([]);
  });

  it('finds a planted offender of each rule (the check itself works)', () => {
    const base = mkdtempSync(join(tmpdir(), 'shipped-'));
    try {
      mkdirSync(join(base, 'shared', 'aws'), { recursive: true });
      mkdirSync(join(base, 'shared', 'core'), { recursive: true });
      mkdirSync(join(base, 'functions', 'x'), { recursive: true });
      writeFileSync(
        join(base, 'shared', 'aws', 'ok.ts'),
        "import { KMSClient } from '@aws-sdk/client-kms';\n",
      );
      writeFileSync(
        join(base, 'shared', 'core', 'bad.ts'),
        "import { S3Client } from '@aws-sdk/client-s3';\n",
      );
      writeFileSync(
        join(base, 'shared', 'core', 'bad.test.ts'),
        "import { x } from '@cloud-copilot/iam-simulate';\n",
      );
      writeFileSync(
        join(base, 'functions', 'x', 'handler.ts'),
        "import { runSimulation } from '@cloud-copilot/iam-simulate';\n",
      );
      expect(offenders(base)).toEqual([
        'imports the SDK outside shared/aws: shared/core/bad.ts',
        'imports the oracle: functions/x/handler.ts',
      ]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('lists the oracle as a development dependency only', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@cloud-copilot/iam-simulate']).toBeUndefined();
    expect(pkg.devDependencies['@cloud-copilot/iam-simulate']).toBeDefined();
  });
});
