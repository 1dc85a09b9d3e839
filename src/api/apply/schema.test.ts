import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Schema } from './schema.js';

test('struct fields resolve from the type table, and only declared names resolve', () => {
  const s = new Schema();
  const pod = s.root('io.k8s.api.core.v1.Pod');
  assert.equal(pod.kind, 'struct');
  if (pod.kind !== 'struct') return;
  const cases: [string, string | undefined][] = [
    ['spec', 'struct'],
    ['metadata', 'struct'],
    ['status', 'struct'],
    ['noSuchField', undefined],
    // Names every JS object has must not be mistaken for fields.
    ['constructor', undefined],
    ['toString', undefined],
    ['__proto__', undefined],
  ];
  for (const [name, kind] of cases) assert.equal(s.structField(pod, name)?.kind, kind, name);
  // Resolved once per process: a second Schema gets the same node.
  assert.equal(new Schema().structField(pod, 'spec'), s.structField(pod, 'spec'));
  const spec = s.structField(pod, 'spec');
  assert.ok(spec?.kind === 'struct');
  const containers = s.structField(spec, 'containers');
  assert.deepEqual(containers && containers.kind === 'list' ? [containers.rel, containers.keys] : undefined, ['map', ['name']]);
});
