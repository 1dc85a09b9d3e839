// Test helper: the generated definitions, produced once per machine state into the temp
// directory (keyed by the generator's inputs) so each test process does not regenerate them.
import { existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readSchemaFile } from './load.js';
import type { SchemaSet } from './types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const GENERATOR = path.join(ROOT, 'scripts', 'gen-schemas.mjs');

export interface GenerateResult {
  outPath: string;
  count: number;
  ms: number;
  withTypeMeta: boolean;
}

interface GeneratorModule {
  generateSchemas(outPath?: string): Promise<GenerateResult>;
  aliasToDefName(alias: string): string | undefined;
}

export async function generatorModule(): Promise<GeneratorModule> {
  return (await import(pathToFileURL(GENERATOR).href)) as GeneratorModule;
}

let cached: SchemaSet | undefined;

/** The path of the generated test definitions (generating them if needed). */
export async function testSchemaFile(): Promise<string> {
  const inputs = [GENERATOR, path.join(ROOT, 'src/api/patch/type-meta.data.ts'), path.join(ROOT, 'node_modules/kubernetes-models/package.json')];
  const key = inputs.map((f) => (existsSync(f) ? Math.round(statSync(f).mtimeMs) : 0)).join('-');
  const file = path.join(tmpdir(), `k8ts-openapi-schemas-${key}.json`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    await (await generatorModule()).generateSchemas(tmp);
    renameSync(tmp, file);
  }
  return file;
}

export async function testSchemas(): Promise<SchemaSet> {
  cached ??= readSchemaFile(await testSchemaFile());
  return cached;
}
