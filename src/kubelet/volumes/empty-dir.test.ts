// emptyDir: tmpfs sizing (pure), and a real tmpfs mounted for `medium: Memory` and unmounted.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryVolumeSize, mountPoints, podMemoryLimit, setUpEmptyDir, unmountUnder } from './empty-dir.js';
import type { PodSpec } from './types.js';

const Mi = 1024n * 1024n;
const withLimits = (...limits: (string | undefined)[]): PodSpec => ({ containers: limits.map((l, i) => ({ name: `c${i}`, resources: l ? { limits: { memory: l } } : {} })) });

describe('podMemoryLimit', () => {
  const cases: [PodSpec, bigint | undefined][] = [
    [withLimits('64Mi', '32Mi'), 96n * Mi],
    [withLimits('64Mi', undefined), undefined],
    [{ ...withLimits('64Mi'), initContainers: [{ name: 'i', resources: { limits: { memory: '128Mi' } } }] }, 128n * Mi],
    [{ containers: [] }, undefined],
  ];
  cases.forEach(([spec, want], i) => test(`case ${i}`, () => assert.equal(podMemoryLimit(spec), want)));
});

describe('memoryVolumeSize', () => {
  const alloc = { memory: '1Gi' };
  const cases: [string, PodSpec, string | undefined, Record<string, string>, bigint | undefined][] = [
    ['nothing known: kernel default', withLimits(undefined), undefined, {}, undefined],
    ['node allocatable', withLimits(undefined), undefined, alloc, 1024n * Mi],
    ['pod limit below allocatable', withLimits('256Mi'), undefined, alloc, 256n * Mi],
    ['sizeLimit below pod limit', withLimits('256Mi'), '64Mi', alloc, 64n * Mi],
    ['sizeLimit above pod limit is ignored', withLimits('256Mi'), '512Mi', alloc, 256n * Mi],
    ['sizeLimit alone', withLimits(undefined), '10Mi', {}, 10n * Mi],
  ];
  for (const [name, spec, limit, a, want] of cases) test(name, () => assert.equal(memoryVolumeSize(spec, limit, a), want));
});

test('medium Memory mounts a sized tmpfs, idempotently, and unmounts', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8tD-ed-'));
  const dir = join(root, 'volumes', 'kubernetes.io~empty-dir', 'cache');
  t.after(async () => {
    await unmountUnder(root).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  await setUpEmptyDir(dir, true, 4n * Mi);
  await setUpEmptyDir(dir, true, 4n * Mi);
  const points = [...(await mountPoints())].filter((p) => p === dir);
  assert.equal(points.length, 1, 'mounted exactly once');
  assert.equal((await stat(dir)).mode & 0o777, 0o777);
  // The size is enforced: 5 MiB does not fit in 4 MiB.
  await assert.rejects(writeFile(join(dir, 'big'), Buffer.alloc(5 * 1024 * 1024)), /ENOSPC/);
  await unmountUnder(join(root, 'volumes'));
  assert.ok(!(await mountPoints()).has(dir));
});

test('plain emptyDir is a 0777 directory', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8tD-ed-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await setUpEmptyDir(join(root, 'd'), false, undefined);
  assert.equal((await stat(join(root, 'd'))).mode & 0o777, 0o777);
});
