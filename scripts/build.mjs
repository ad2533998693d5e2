// Bundles the CLI so that `npx access-remediator` needs nothing but Node. The AWS SDK, needed only in live mode, is
// split into chunks loaded on demand, so offline runs start fast.
import { chmod, rm } from 'node:fs/promises';

// A production-only install (e.g. `sam build` copying package.json) has no esbuild: the CLI is not needed there.
const esbuild = await import('esbuild').catch(() => null);
if (!esbuild) {
  console.error('build: esbuild is not installed (production install); skipping the CLI bundle');
  process.exit(0);
}
const { build } = esbuild;

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'shared/cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
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
