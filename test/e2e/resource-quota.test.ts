// ResourceQuota end to end with the real kubectl: `create quota`, `describe quota` showing
// Used/Hard as the controller counts, a pod over quota refused by admission with upstream's
// message, and a deletion freeing the slot.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, eventually } from './harness.js';

const NS = 'rq-e2e';

/** `describe quota` rows as resource → [used, hard]. */
function usage(out: string): Record<string, [string, string]> {
  const rows: Record<string, [string, string]> = {};
  let inTable = false;
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] === '--------') {
      inTable = true;
      continue;
    }
    if (inTable && cols.length === 3) rows[cols[0]] = [cols[1], cols[2]];
  }
  return rows;
}

describe('resource quota', () => {
  const c = new Cluster();
  before(() => c.start());
  after(() => c.cleanup());

  test('create, describe, refuse over quota, free on delete', async () => {
    await c.ok(['create', 'namespace', NS]);
    assert.equal((await c.ok(['create', 'quota', 'q', '--hard=pods=2,count/configmaps=3', '-n', NS])).trim(), 'resourcequota/q created');
    // The controller fills status; every namespace already holds kube-root-ca.crt (or not yet).
    const first = await eventually('quota status', async () => {
      const out = await c.ok(['describe', 'quota', 'q', '-n', NS]);
      return usage(out).pods?.[0] === '0' && out;
    }, 30_000);
    assert.match(first, /^Name:\s+q$/m);
    assert.match(first, /^Namespace:\s+rq-e2e$/m);
    assert.match(first, /^Resource\s+Used\s+Hard$/m);
    assert.deepEqual(usage(first).pods, ['0', '2']);
    assert.equal(usage(first)['count/configmaps']?.[1], '3');

    const cmsBefore = Number(usage(first)['count/configmaps'][0]);
    await c.ok(['create', 'configmap', 'cm1', '-n', NS]);
    for (const p of ['p1', 'p2']) assert.equal((await c.ok(['run', p, '--image=busybox', '-n', NS])).trim(), `pod/${p} created`);
    const refused = await c.kubectl(['run', 'p3', '--image=busybox', '-n', NS]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), 'Error from server (Forbidden): pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');

    await eventually('usage counted', async () => {
      const u = usage(await c.ok(['describe', 'quota', 'q', '-n', NS]));
      return u.pods?.[0] === '2' && Number(u['count/configmaps']?.[0]) >= cmsBefore + 1 && u;
    }, 30_000);

    await c.ok(['delete', 'pod', 'p1', '-n', NS, '--wait=false']);
    // The controller releases p1's slot once the pod is gone; then p3 fits.
    await eventually('p3 admitted', async () => (await c.kubectl(['run', 'p3', '--image=busybox', '-n', NS])).code === 0, 30_000);
    const last = usage(await c.ok(['describe', 'quota', 'q', '-n', NS]));
    assert.deepEqual(last.pods, ['2', '2']);
  });
});
