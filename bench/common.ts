// What every bench file shares: percentiles, a process's RSS, and writing results to bench/results/.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/e2e/harness.js';

/** The p-th percentile (nearest rank), rounded to `digits` decimals. */
export function pct(values: number[], p: number, digits: number): number {
  const s = [...values].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(digits);
}

/** Resident memory of a process in MB (NaN once it is gone). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? +(Number(m[1]) / 1024).toFixed(1) : NaN;
  } catch {
    return NaN;
  }
}

/** Writes bench/results/<name>.json and prints the same JSON. */
export function saveResults(name: string, results: Record<string, unknown>): void {
  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const json = JSON.stringify(results, null, 2) + '\n';
  writeFileSync(join(outDir, `${name}.json`), json);
  process.stdout.write(json);
}
