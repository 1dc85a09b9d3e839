// Loads the OpenAPI definitions generated at build time (dist/openapi-schemas.json) once, on
// first use, so that server start-up does not pay for parsing them.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { SchemaSet } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Compiled: dist/src/api/schema/load.js -> dist/openapi-schemas.json. From source (tsx):
// src/api/schema/load.ts -> dist/openapi-schemas.json.
const CANDIDATES = [path.resolve(here, '../../../openapi-schemas.json'), path.resolve(here, '../../../dist/openapi-schemas.json')];

let cached: SchemaSet | undefined;

/** Where the generated file is expected; the first candidate that exists. */
export function schemaFilePath(): string | undefined {
  const env = process.env.K8TS_OPENAPI_SCHEMAS;
  if (env) return env;
  return CANDIDATES.find((p) => existsSync(p));
}

function generateInto(out: string): void {
  // Development fallback (tests from source before a build): run the generator once.
  const script = path.resolve(here, '../../../scripts/gen-schemas.mjs');
  const alt = path.resolve(here, '../../../../scripts/gen-schemas.mjs');
  const gen = existsSync(script) ? script : alt;
  if (!existsSync(gen)) throw new Error('OpenAPI schemas are missing: run `npm run build`');
  execFileSync(process.execPath, [gen, out], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Parses a schema file (tests pass their own). */
export function readSchemaFile(file: string): SchemaSet {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { definitions?: SchemaSet['definitions'] };
  return { definitions: parsed.definitions ?? {} };
}

/** The built-in definitions, read once. */
export function loadSchemas(): SchemaSet {
  if (cached) return cached;
  let file = schemaFilePath();
  if (!file) {
    const compiled = path.basename(path.resolve(here, '../../..')) === 'dist';
    file = compiled ? CANDIDATES[0] : CANDIDATES[1];
    generateInto(file);
  }
  cached = readSchemaFile(file);
  return cached;
}
