// Scheduling throughput: N nodes, P pending pods created before the scheduler starts, time until
// every pod is bound. Run: node --import tsx src/scheduler/throughput.bench.ts [nodes] [pods] [events]

import { controllerTestEnv } from '../controllers/framework/testing.js';
import { scheduler } from './scheduler.js';

const nodes = Number(process.argv[2] ?? 1000);
const pods = Number(process.argv[3] ?? 10000);
const events = (process.argv[4] ?? 'true') !== 'false';

const env = await controllerTestEnv();
const t0 = Date.now();
const nodeClient = env.clients.resource('nodes');
for (let i = 0; i < nodes; i++) {
  await nodeClient.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `n-${i}`, labels: { 'kubernetes.io/hostname': `n-${i}` } },
    status: { allocatable: { cpu: '32', memory: '128Gi', pods: '110' }, capacity: { cpu: '32', memory: '128Gi', pods: '110' } },
  });
}
const podClient = env.clients.resource('pods');
const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '11111111-1111-1111-1111-111111111111', controller: true };
for (let i = 0; i < pods; i++) {
  await podClient.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${i}`, namespace: 'default', ownerReferences: [owner], labels: { app: 'bench' } },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  });
}
console.log(`setup: ${nodes} nodes, ${pods} pods in ${Date.now() - t0} ms`);
const s = scheduler(env.ctx, { events });
await env.start(s);
const t1 = Date.now();
while (s.instance.scheduled < pods) {
  await new Promise((r) => setTimeout(r, 20));
  if (Date.now() - t1 > 120000) break;
}
const ms = Date.now() - t1;
console.log(`scheduled ${s.instance.scheduled} pods in ${ms} ms: ${Math.round((s.instance.scheduled * 1000) / ms)} pods/s (events ${events})`);
await env.stop();
process.exit(0);
