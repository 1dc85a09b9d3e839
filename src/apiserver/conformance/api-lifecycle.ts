// The "API operations" pattern upstream's e2e tests share (CronJob, EndpointSlice, Ingress,
// IngressClass, ...): discovery lists the resource, then create, get, list (namespace and all
// namespaces), watch, patch, update, delete and deletecollection by label, each checked.

import assert from 'node:assert/strict';
import { client, MERGE, until, type Obj } from './helpers.js';

export interface LifecycleSpec {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  make: (name: string, labels: Record<string, string>) => unknown;
}

export async function apiLifecycle(c: ReturnType<typeof client>, spec: LifecycleSpec): Promise<void> {
  const gv = spec.group ? `/apis/${spec.group}/${spec.version}` : `/api/${spec.version}`;
  const discovery = await c.get<{ resources: { name: string; verbs: string[] }[] }>(gv);
  const entry = discovery.resources.find((r) => r.name === spec.resource);
  assert.ok(entry, `${spec.resource} in ${gv} discovery`);
  for (const v of ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']) assert.ok(entry.verbs.includes(v), `verb ${v}`);

  const base = spec.namespace ? `${gv}/namespaces/${spec.namespace}/${spec.resource}` : `${gv}/${spec.resource}`;
  const all = `${gv}/${spec.resource}`;
  const label = `e2e-${spec.resource}-${Math.abs(hash(spec.namespace ?? 'cluster'))}`;
  const sel = `labelSelector=${encodeURIComponent(`special-label=${label}`)}`;
  const names = [1, 2, 3].map((i) => `e2e-${spec.resource.slice(0, 20)}-${i}`);
  for (const n of names) await c.create(base, spec.make(n, { 'special-label': label }));

  const got = await c.get(`${base}/${names[0]}`);
  assert.equal(got.metadata.name, names[0]);
  assert.equal((await c.list(`${base}?${sel}`)).items.length, 3);
  const cluster = await c.list(`${all}?${sel}`);
  assert.equal(cluster.items.length, 3);

  const w = await c.watch(`${base}?watch=true&resourceVersion=${cluster.metadata.resourceVersion}&${sel}`);
  const patched = await c.patch(`${base}/${names[0]}`, { metadata: { annotations: { patched: 'true' } } }, MERGE);
  assert.equal(patched.metadata.annotations?.patched, 'true');
  const current = await c.get(`${base}/${names[0]}`);
  current.metadata.annotations = { ...current.metadata.annotations, updated: 'true' };
  const updated = await c.update(`${base}/${names[0]}`, current);
  assert.equal(updated.metadata.annotations?.updated, 'true');
  await until(() => w.events.some((e) => e.type === 'MODIFIED' && e.object.metadata.annotations?.updated === 'true'), 'watch sees the update');
  await w.stop();
  assert.ok(w.events.some((e) => e.type === 'MODIFIED' && (e.object as Obj).metadata.annotations?.patched === 'true'), 'watch sees the patch');

  await c.del(`${base}/${names[2]}`);
  await c.fail('GET', `${base}/${names[2]}`, undefined, 404);
  assert.equal((await c.list(`${base}?${sel}`)).items.length, 2);
  await c.delCollection(`${base}?${sel}`);
  assert.equal((await c.list(`${base}?${sel}`)).items.length, 0);
}

function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}
