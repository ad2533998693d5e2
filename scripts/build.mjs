// Bundles the CLI into one ESM file so that `npx access-remediator` starts fast and needs nothing but Node.
import { chmod } from 'node:fs/promises';

// A production-only install (e.g. `sam build` copying package.json) has no esbuild: the CLI is not needed there.
const esbuild = await import('esbuild').catch(() => null);
if (!esbuild) {
  console.error('build: esbuild is not installed (production install); skipping the CLI bundle');
  process.exit(0);
}
const { build } = esbuild;

await build({
  entryPoints: ['shared/cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod('dist/cli.js', 0o755);
