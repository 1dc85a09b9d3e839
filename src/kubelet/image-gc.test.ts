import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from './cri/types.js';
import { DEFAULT_IMAGE_GC, imagesToFree } from './image-gc.js';

const img = (id: string, size: number): Image => ({ id, repoTags: [], repoDigests: [], size, config: {} });
const GB = 1e9;

test('image GC frees unused images, largest first, only above the high threshold and down to the low one', () => {
  const images = [img('a', 3 * GB), img('b', 2 * GB), img('c', 1 * GB), img('used', 10 * GB)];
  const cases: [string, number, string[]][] = [
    ['84% used: nothing', 84, []],
    ['86% used: 6 GB over 80% → a (3) then b (2) then c (1)', 86, ['a', 'b', 'c']],
    ['85.5% used: 5.5 GB → a, b, c', 85.5, ['a', 'b', 'c']],
    ['95% used: never the image a container uses', 95, ['a', 'b', 'c']],
  ];
  for (const [name, percent, want] of cases) {
    const disk = { capacity: 100 * GB, available: (100 - percent) * GB };
    assert.deepEqual(imagesToFree(images, new Set(['used']), disk, DEFAULT_IMAGE_GC).map((i) => i.id), want, name);
  }
  // 86% of 1000 GB: 60 GB over 80%, both go; at exactly 85% the 50 GB image is enough.
  assert.deepEqual(imagesToFree([img('x', 50 * GB), img('y', 20 * GB)], new Set(), { capacity: 1000 * GB, available: 140 * GB }, DEFAULT_IMAGE_GC).map((i) => i.id), ['x', 'y']);
  assert.deepEqual(imagesToFree([img('x', 50 * GB), img('y', 20 * GB)], new Set(), { capacity: 1000 * GB, available: 150 * GB }, DEFAULT_IMAGE_GC).map((i) => i.id), ['x']);
});
