import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The AGPL oracle is a development tool only: nothing that ships may import it, nor the pure core the SDK. */
const root = join(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const shipped = ['shared', 'functions'].flatMap((dir) => {
  try {
    return sourceFiles(join(root, dir));
  } catch {
    return [];
  }
});

describe('shipped code', () => {
  it('never imports the differential-test oracle', () => {
    const offenders = shipped.filter((file) => readFileSync(file, 'utf8').includes('@cloud-copilot/'));
    expect(offenders).toEqual([]);
  });

  it('keeps the AWS SDK inside shared/aws/', () => {
    const offenders = shipped.filter(
      (file) =>
        !file.includes(`${join('shared', 'aws')}/`) && /from '@aws-sdk\//.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('lists the oracle as a development dependency only', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@cloud-copilot/iam-simulate']).toBeUndefined();
    expect(pkg.devDependencies['@cloud-copilot/iam-simulate']).toBeDefined();
  });
});
