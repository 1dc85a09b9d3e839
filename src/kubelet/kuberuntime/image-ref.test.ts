import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeImage, pullPolicyOf } from './image-ref.js';

test('normalizeImage', () => {
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['localhost/app:v1', 'localhost/app:v1'],
  ];
  for (const [input, want] of cases) assert.equal(normalizeImage(input), want, input);
});

test('pullPolicy defaults as the API server does', () => {
  const cases: [string, string | undefined, string][] = [
    ['nginx', undefined, 'Always'],
    ['nginx:latest', undefined, 'Always'],
    ['nginx:1.27', undefined, 'IfNotPresent'],
    ['nginx:1.27', 'Always', 'Always'],
    ['localhost:5000/app', undefined, 'Always'],
  ];
  for (const [image, policy, want] of cases) assert.equal(pullPolicyOf(image, policy), want, image);
});
