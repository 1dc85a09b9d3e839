import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageId } from './images.js';

test('imageId is the repository with a stable digest', () => {
  assert.match(imageId('nginx:1.27'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(imageId('nginx:1.27'), imageId('nginx:1.27'));
  assert.notEqual(imageId('nginx:1.27'), imageId('nginx:1.26'));
});
