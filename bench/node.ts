// Node agent figures for `npm run bench`: real pods (runc, a network namespace each, images from a
// loopback registry of stand-in images) on `k8ts server`'s own agent. Writes bench/results/node.json.
// Needs root and runc, as the agent does.

import { Cluster } from '../test/e2e/harness.js';
import { pct, saveResults } from './common.js';

const round = (x: number) => +x.toFixed(1);

interface PodView { status?: { phase?: string; conditions?: { type: string; status: string }[] } }

export async function nodeBench(): Promise<Record<string, unknown>> {
  const c = new Cluster([], undefined, { agent: true, images: true });
  const results: Record<string, unknown> = {};
  try {
    await c.start();
    const ns = '/api/v1/namespaces/default/pods';
    const pod = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } });
    const ready = async (name: string): Promise<boolean> => {
      const r = await c.raw('GET', `${ns}/${name}`);
      const p = JSON.parse(r.body) as PodView;
      return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
    };
    // Polled every 10 ms: a figure can be up to 10 ms late.
    const untilReady = async (names: string[]) => {
      const left = new Set(names);
      const done = new Map<string, number>();
      const t0 = performance.now();
      while (left.size) {
        for (const n of [...left]) if (await ready(n)) { left.delete(n); done.set(n, performance.now()); }
        if (performance.now() - t0 > 120_000) throw new Error(`pods not ready: ${[...left].join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return done;
    };
    const create = async (name: string) => {
      const r = await c.raw('POST', ns, pod(name), { 'content-type': 'application/json' });
      if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.body}`);
    };

    // The first pod pulls the image (from the loopback registry) and sets up the bridge.
    let t = performance.now();
    await create('first');
    await untilReady(['first']);
    results.firstPodWithPullMs = round(performance.now() - t);

    // One at a time, image present: API create to the Ready condition.
    const sequential: number[] = [];
    for (let i = 0; i < 10; i++) {
      t = performance.now();
      await create(`seq-${i}`);
      await untilReady([`seq-${i}`]);
      sequential.push(performance.now() - t);
    }
    results.podStartupMs = { pods: 10, p50: pct(sequential, 50, 1), p99: pct(sequential, 99, 1), measuredFrom: 'POST to Ready=True (polled every 10 ms), image present' };

    // 20 at once.
    const names = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    t = performance.now();
    await Promise.all(names.map(create));
    const done = await untilReady(names);
    results.burst = { pods: 20, allReadyMs: round(Math.max(...done.values()) - t) };

    // Deletion with a 1 s grace period for a process that ignores SIGTERM (sleep as PID 1): the
    // kubelet waits out the grace, kills, tears the sandbox down and removes the object.
    t = performance.now();
    await c.raw('DELETE', `${ns}/seq-0`);
    for (;;) {
      if ((await c.raw('GET', `${ns}/seq-0`)).status === 404) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    results.deleteWithGrace1sMs = round(performance.now() - t);
  } finally {
    await c.cleanup();
  }
  saveResults('node', results);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await nodeBench();
