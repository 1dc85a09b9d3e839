// `kubectl get cs` and the componentstatuses row of `kubectl api-resources`, with the real kubectl
// against bin/k8ts: the deprecation warning on stderr and upstream's three rows.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from './harness.js';

const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

describe('componentstatuses', () => {
  const c = new Cluster();
  before(() => c.start());
  after(() => c.cleanup());

  test('get cs warns on stderr and shows the scheduler, controller manager and etcd-0 Healthy', async () => {
    // The components take their Leases just after the server is ready: wait until both have.
    const deadline = Date.now() + 30_000;
    let r = await c.kubectl(['get', 'cs']);
    while (Date.now() < deadline && (r.code !== 0 || rows(r.stdout).slice(1).some((x) => x[1] !== 'Healthy'))) {
      await sleep(500);
      r = await c.kubectl(['get', 'cs']);
    }
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.trim(), 'Warning: v1 ComponentStatus is deprecated in v1.19+');
    assert.deepEqual(rows(r.stdout), [
      ['NAME', 'STATUS', 'MESSAGE', 'ERROR'],
      ['scheduler', 'Healthy', 'ok'],
      ['controller-manager', 'Healthy', 'ok'],
      ['etcd-0', 'Healthy', 'ok'],
    ]);
  });

  test('api-resources has the cs row; writes are refused with 405', async () => {
    const r = rows(await c.ok(['api-resources']));
    assert.deepEqual(r.find((x) => x[0] === 'componentstatuses'), ['componentstatuses', 'cs', 'v1', 'false', 'ComponentStatus']);
    const del = await c.kubectl(['delete', 'cs', 'scheduler']);
    assert.equal(del.code, 1);
    assert.match(del.stderr, /Error from server \(MethodNotAllowed\): the server does not allow this method on the requested resource/);
  });
});
