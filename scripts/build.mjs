// Transpiles every TypeScript file to dist/ (one JS file per source file, no bundling) so that
// tests and the binary run plain Node; type checking is `npm run typecheck` (tsc --noEmit).
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// dist/ is overwritten in place, not removed first, so a build never pulls files from under a running test.
const entryPoints = ['src', 'test', 'bench'].flatMap((d) => walk(d));
await build({
  entryPoints,
  outdir: 'dist',
  outbase: '.',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Linked, not inline: V8 keeps every loaded module's source text in memory, and inline maps
  // were two thirds of it (node --enable-source-maps still finds the .map files).
  sourcemap: 'linked',
  logLevel: 'warning',
});

// OpenAPI schemas are generated from the kubernetes-models type declarations at build time, so
// no copy of upstream's text is committed (see scripts/gen-schemas.mjs).
const { existsSync } = await import('node:fs');
if (existsSync('scripts/gen-schemas.mjs')) await import('./gen-schemas.mjs');
