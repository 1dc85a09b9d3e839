// EndpointSlice mirroring through the real kubectl: a selectorless Service's hand-made Endpoints
// appear as an EndpointSlice managed by the mirroring controller, follow updates, and go with them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, eventually } from './harness.js';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: example-custom-endpoints
spec:
  ports:
  - name: example
    port: 80
    protocol: TCP
`;
const endpoints = (ip: string) => `apiVersion: v1
kind: Endpoints
metadata:
  name: example-custom-endpoints
subsets:
- ports:
  - port: 80
  addresses:
  - ip: ${ip}
`;

describe('endpointslice mirroring', () => {
  const c = new Cluster();
  before(() => c.start());
  after(() => c.cleanup());

  test('mirrors a custom Endpoints through create, update and delete', async () => {
    await c.ok(['create', '-f', '-'], SERVICE);
    await c.ok(['create', '-f', '-'], endpoints('10.1.2.3'));
    const get = async () => {
      const out = await c.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=example-custom-endpoints', '-o', 'json']);
      return (JSON.parse(out) as { items: { metadata: { labels: Record<string, string> }; ports: { port: number }[]; endpoints?: { addresses: string[] }[] }[] }).items;
    };
    const [slice] = await eventually('a mirrored slice', async () => ((await get()).length === 1 ? await get() : undefined));
    assert.equal(slice!.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.deepEqual(slice!.ports.map((p) => p.port), [80]);
    assert.deepEqual(slice!.endpoints?.map((e) => e.addresses), [['10.1.2.3']]);
    await c.ok(['apply', '-f', '-'], endpoints('10.2.3.4'));
    await eventually('the slice updated', async () => {
      const s = await get();
      return s.length === 1 && s[0]!.endpoints?.[0]?.addresses[0] === '10.2.3.4';
    });
    await c.ok(['delete', 'endpoints', 'example-custom-endpoints']);
    await eventually('the slice gone', async () => (await get()).length === 0);
  });
});
