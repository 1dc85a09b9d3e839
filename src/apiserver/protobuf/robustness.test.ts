import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { StatusError } from '../../api/errors.js';
import { decodeProtobufObject } from './decode.js';

const seeds = (JSON.parse(readFileSync(new URL('./testdata/kubectl-bodies.json', import.meta.url), 'utf8')) as Array<{ body: string }>)
  .map((f) => new Uint8Array(Buffer.from(f.body, 'base64')));

// Deterministic PRNG (mulberry32) so a failure reproduces.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(rand: () => number, seed: Uint8Array): Uint8Array {
  const b = Array.from(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const edits = 1 + int(4);
  for (let i = 0; i < edits; i++) {
    // Keep the magic most of the time so mutations reach the decoder proper.
    const at = 4 + int(Math.max(1, b.length - 4));
    switch (int(5)) {
      case 0: b[at] = int(256); break;
      case 1: b[at] = (b[at] ?? 0) ^ (1 << int(8)); break;
      case 2: b.length = at; break;
      case 3: b.splice(at, 0, ...Array.from({ length: 1 + int(12) }, () => int(256))); break;
      case 4: b.splice(at, 1 + int(8)); break;
    }
  }
  if (rand() < 0.02) b[int(4)] = int(256);
  return Uint8Array.from(b);
}

test('2,000 random and mutated bodies decode or fail with a 400 StatusError, quickly', () => {
  const rand = rng(0x5eed);
  const start = Date.now();
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    let body: Uint8Array;
    if (i % 10 === 0) {
      body = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))]);
    } else {
      body = mutate(rand, seeds[i % seeds.length]!);
    }
    try {
      const r = decodeProtobufObject(body);
      JSON.stringify(r.object); // must be plain JSON (no BigInt, no cycles)
      decoded++;
    } catch (e) {
      assert.ok(e instanceof StatusError, `body ${Buffer.from(body).toString('base64')} threw ${String(e)}`);
      assert.equal(e.code, 400);
    }
  }
  assert.ok(decoded > 0 && decoded < 2000, `decoded ${decoded}`);
  assert.ok(Date.now() - start < 5000);
});
