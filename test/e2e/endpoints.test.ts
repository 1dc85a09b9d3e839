// The server's own endpoints: health checks, version, metrics, and the kubeconfig it writes.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { Cluster, eventually } from './harness.js';

describe('health, version and metrics', () => {
  const c = new Cluster();
  before(() => c.start());
  after(() => c.cleanup());

  test('livez, readyz and healthz answer ok, without credentials too', async () => {
    for (const path of ['/livez', '/readyz', '/healthz']) {
      const r = await c.raw('GET', path, undefined, {}, false);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, 'ok');
    }
    const verbose = await c.raw('GET', '/readyz?verbose', undefined, {}, false);
    assert.match(verbose.body, /^\[\+\]ping ok$/m);
    assert.match(verbose.body, /readyz check passed/);
  });

  test('/version reports v1.32 (the kubectl dispatcher picks its binary from minor)', async () => {
    const v = JSON.parse((await c.raw('GET', '/version', undefined, {}, false)).body) as { major: string; minor: string; gitVersion: string };
    assert.equal(v.major, '1');
    assert.equal(v.minor, '32');
    assert.match(v.gitVersion, /^v1\.32\.\d+/);
  });

  test('everything else needs credentials: 401 Status', async () => {
    const r = await c.raw('GET', '/api/v1/namespaces', undefined, {}, false);
    assert.equal(r.status, 401);
    const s = JSON.parse(r.body) as { kind: string; status: string; reason: string; code: number };
    assert.deepEqual([s.kind, s.status, s.reason, s.code], ['Status', 'Failure', 'Unauthorized', 401]);
  });

  test('/metrics counts requests by verb and resource, with latency histograms', async () => {
    // Controllers write too (a kube-root-ca.crt configmap per namespace, once they start), so
    // wait for those, then compare counts around our own request.
    const created = async () => Number(/^apiserver_request_total\{[^}]*verb="POST"[^}]*resource="configmaps"[^}]*code="201"[^}]*\} (\d+)$/m.exec((await c.raw('GET', '/metrics')).body)?.[1] ?? 0);
    await eventually('a kube-root-ca.crt in every namespace', async () => {
      const namespaces = (await c.ok(['get', 'namespaces', '-o', 'name'])).split('\n').filter(Boolean).length;
      const published = (await c.ok(['get', 'configmaps', '-A', '--field-selector', 'metadata.name=kube-root-ca.crt', '-o', 'name'])).split('\n').filter(Boolean).length;
      return namespaces > 0 && published === namespaces;
    });
    await c.ok(['get', 'pods']);
    const before = await created();
    await c.ok(['create', 'configmap', 'm1']);
    assert.equal(await created(), before + 1);
    const m = (await c.raw('GET', '/metrics')).body;
    assert.match(m, /^# TYPE apiserver_request_total counter$/m);
    assert.match(m, /^apiserver_request_total\{[^}]*verb="LIST"[^}]*resource="pods"[^}]*code="200"[^}]*\} [1-9]/m);
    assert.match(m, /^apiserver_request_duration_seconds_bucket\{(?=[^}]*verb="LIST")(?=[^}]*resource="pods")(?=[^}]*le="0\.005")[^}]*\} \d+$/m);
    assert.match(m, /^process_resident_memory_bytes \d+/m);
  });

  test('the kubeconfig and keys are private to their owner', () => {
    assert.equal(statSync(c.kubeconfig).mode & 0o077, 0);
    assert.equal(statSync(`${c.dataDir}/server/tls/server-ca.key`).mode & 0o077, 0);
    assert.equal(statSync(`${c.dataDir}/server/db/state.db`).mode & 0o077, 0);
  });

  test('a restart keeps the data, the CA and the kubeconfig valid', async () => {
    await c.ok(['create', 'configmap', 'survivor', '--from-literal=k=v']);
    await c.stop();
    await c.start();
    assert.equal(await c.ok(['get', 'cm', 'survivor', '-o', 'jsonpath={.data.k}']), 'v');
    assert.match(await c.ok(['get', 'svc', 'kubernetes']), /kubernetes\s+ClusterIP\s+10\.43\.0\.1/);
  });
});
