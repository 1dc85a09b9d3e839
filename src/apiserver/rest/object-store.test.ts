import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../api/registry/registry.js';
import { builtinResourceTypes } from '../../api/registry/builtin.js';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { withStrategies } from '../strategies.js';
import { ObjectStore } from './object-store.js';

const podType = new Registry(withStrategies(builtinResourceTypes())).all().find((t) => t.group === '' && t.resource === 'pods')!;
const image = (o: KubeObject) => (o.spec as { containers: { image: string }[] }).containers[0].image;

test('values decoded once for watchers are copied, never shared, for reads and read-modify-writes', async () => {
  const store = new MemoryStore();
  const objects = new ObjectStore(store, podType);
  const seen: KubeObject[] = [];
  store.watch(objects.prefix(), { fromRevision: 0, onEvent: (ev) => seen.push(objects.eventView(ev).object) });
  await objects.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'one' }] } });
  for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((r) => setImmediate(r));
  assert.equal(seen.length, 1);

  // The update callback gets the cached value's copy: mutating it and writing nothing leaves
  // watchers' object and later reads as stored.
  const r = await objects.guaranteedUpdate('ns', 'p', (cur) => {
    (cur.spec as { containers: { image: string }[] }).containers[0].image = 'scribbled';
    return cur;
  });
  assert.equal(r.changed, false);
  assert.equal(image(seen[0]), 'one');
  const read = await objects.get('ns', 'p');
  assert.equal(image(read), 'one');
  read.spec = {};
  assert.equal(image(await objects.get('ns', 'p')), 'one');

  // A real update is seen with its new value and revision.
  const updated = await objects.guaranteedUpdate('ns', 'p', (cur) => ({ ...cur, spec: { containers: [{ name: 'c', image: 'two' }] } }));
  for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setImmediate(r));
  assert.equal(image(seen[1]), 'two');
  assert.equal(seen[1].metadata?.resourceVersion, updated.object.metadata?.resourceVersion);
  assert.equal(image(await objects.get('ns', 'p')), 'two');
});
