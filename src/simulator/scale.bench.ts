// Simulated nodes at scale: N nodes, P pods (as one ReplicaSet would create), time until all are
// Running and Ready. Run: node --import tsx src/simulator/scale.bench.ts [nodes] [pods]

import { controllerTestEnv } from '../controllers/framework/testing.js';
import { scheduler } from '../scheduler/index.js';
import { simulatedNodes } from './simulated-nodes.js';

const nodes = Number(process.argv[2] ?? 1000);
const pods = Number(process.argv[3] ?? 1000);
const env = await controllerTestEnv();
const t0 = Date.now();
const sim = simulatedNodes(env.ctx, { count: nodes, startupDelayMs: 0 });
await env.start(scheduler(env.ctx), sim);
await env.eventually(() => env.ctx.informers.informer('nodes').list().length >= nodes, 300000);
console.log(`registration of ${nodes} nodes: ${Date.now() - t0} ms`);
const informer = env.ctx.informers.informer<{ metadata?: { name?: string }; status?: { phase?: string } }>('pods');
const t1 = Date.now();
const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '11111111-1111-1111-1111-111111111111', controller: true };
for (let i = 0; i < pods; i++) {
  await env.clients.resource('pods').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'default', ownerReferences: [owner] }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } });
}
const created = Date.now() - t1;
await env.eventually(() => informer.list('default').filter((p) => p.status?.phase === 'Running').length >= pods, 300000);
console.log(`${pods} pods created in ${created} ms, all Running after ${Date.now() - t1} ms`);
await env.stop();
process.exit(0);
