// The kubelet against a real in-process API server and the in-memory runtime double
// (fake-runtime.ts): node registration, pod lifecycle, restarts, probes, deletion, adoption.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../controllers/framework/testing.js';
import { isNotFound } from '../client/informer.js';
import { FakeImages, FakeRuntime } from './fake-runtime.js';
import { Kubelet } from './kubelet.js';
import type { ApiContainerStatus, Pod, PodStatus, VolumeHost } from './types.js';

const NODE = 'kf-node';

const volumes: VolumeHost & { torn: string[] } = {
  torn: [],
  async setUpVolumes() {
    return new Map();
  },
  async containerMounts() {
    return [];
  },
  async tearDownVolumes(uid) {
    this.torn.push(uid);
  },
};

describe('kubelet', () => {
  let env: ControllerTestEnv;
  let dataDir: string;
  let runtime: FakeRuntime;
  let images: FakeImages;
  let abort: AbortController;
  let kubelet: Kubelet;

  const start = () => {
    abort = new AbortController();
    kubelet = new Kubelet({
      nodeName: NODE,
      clients: env.clients.as('kubelet'),
      runtime,
      images,
      dataDir,
      volumes,
      log: process.env.KF_DEBUG ? (level, msg, f) => console.error(Date.now() % 100000, level, msg, JSON.stringify(f)) : () => undefined,
      podCidrFallback: '10.42.0.0/24',
      podCidrWaitMs: 50,
      clusterDns: ['10.43.0.10'],
      nodeIP: '127.0.0.1',
      relistMs: 20,
      housekeepingMs: 50,
      leaseRenewMs: 100,
      nodeStatusUpdateMs: 200,
    });
    void kubelet.run(abort.signal);
  };

  before(async () => {
    env = await controllerTestEnv();
    await env.start();
    dataDir = await mkdtemp(join(tmpdir(), 'kf-kubelet-'));
    runtime = new FakeRuntime();
    images = new FakeImages(['nginx:1.27', 'busybox:1.36']);
    start();
  });
  after(async () => {
    abort.abort();
    kubelet.workers.stop();
    await env.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const create = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    env.clients.resource('pods').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta }, spec: { nodeName: NODE, ...spec } } as KubeObject) as Promise<Pod>;
  const get = async (name: string) => (await env.clients.resource('pods').get('default', name)) as Pod & { status: PodStatus };
  const until = async (name: string, check: (p: Pod & { status: PodStatus }) => unknown, ms = 5000) =>
    env.eventually(async () => {
      const p = await get(name);
      return check(p) ? p : undefined;
    }, ms);
  const cs = (p: { status: PodStatus }, name = 'app'): ApiContainerStatus => [...(p.status.containerStatuses ?? []), ...(p.status.initContainerStatuses ?? [])].find((c) => c.name === name)!;
  const events = async (name: string) => (await env.clients.resource('events').list('default')).items.filter((e) => (e.involvedObject as { name: string }).name === name).map((e) => `${e.reason}: ${e.message}`);
  // The kubelet posts events asynchronously, as upstream's recorder does: they may land after the status that follows them.
  const eventsWith = async (name: string, ...wanted: (string | RegExp)[]) => {
    const has = (ev: string[], w: string | RegExp) => (typeof w === 'string' ? ev.includes(w) : ev.some((e) => w.test(e)));
    let last: string[] = [];
    try {
      return await env.eventually(async () => {
        last = await events(name);
        return wanted.every((w) => has(last, w)) ? last : undefined;
      });
    } catch {
      assert.fail(`events of ${name} lack ${wanted.filter((w) => !has(last, w)).join(', ')}:\n${last.join('\n')}`);
    }
  };

  test('registers its Node and Lease', async () => {
    // Registration creates the Node bare; the first status update that follows adds its conditions.
    const node = await env.eventually(async () => {
      const n = await env.clients.resource('nodes').get(undefined, NODE).catch(() => undefined);
      return (n?.status as { conditions?: unknown[] } | undefined)?.conditions?.length === 4 && n;
    });
    const labels = node.metadata!.labels!;
    assert.equal(labels['kubernetes.io/hostname'], NODE);
    assert.equal(labels['kubernetes.io/os'], 'linux');
    const st = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; conditions: { type: string; status: string; reason: string; message: string }[]; nodeInfo: Record<string, string>; addresses: { type: string; address: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } } };
    assert.equal(st.capacity.pods, '110');
    assert.match(st.capacity.memory, /^\d+Ki$/);
    assert.match(st.capacity.cpu, /^\d+$/);
    assert.ok(st.capacity['ephemeral-storage']);
    assert.deepEqual(st.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`), ['MemoryPressure=False/KubeletHasSufficientMemory', 'DiskPressure=False/KubeletHasNoDiskPressure', 'PIDPressure=False/KubeletHasSufficientPID', 'Ready=True/KubeletReady']);
    assert.equal(st.conditions[3].message, 'kubelet is posting ready status');
    assert.match(st.nodeInfo.kubeletVersion, /^v1\.32\./);
    assert.equal(st.nodeInfo.containerRuntimeVersion, 'k8ts://0.1.0');
    assert.equal(st.nodeInfo.operatingSystem, 'linux');
    assert.deepEqual(st.addresses[0], { type: 'InternalIP', address: '127.0.0.1' });
    assert.equal(st.daemonEndpoints.kubeletEndpoint.Port, 10250);
    const lease = await env.eventually(async () => env.clients.resource('leases').get('kube-node-lease', NODE).catch(() => undefined));
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, NODE);
    assert.equal(lease.metadata!.ownerReferences?.[0].kind, 'Node');
    await eventsWith(NODE, 'Starting: Starting kubelet.', `NodeHasSufficientMemory: Node ${NODE} status is now: NodeHasSufficientMemory`, `NodeReady: Node ${NODE} status is now: NodeReady`, 'NodeAllocatableEnforced: Updated Node Allocatable limit across pods');
  });

  test('runs a pod: sandbox, image, container, Running and Ready with upstream events', async () => {
    const created = await create('web', { containers: [{ name: 'app', image: 'nginx:1.27' }] });
    const p = await until('web', (p) => p.status.phase === 'Running' && cs(p).ready);
    const s = cs(p);
    assert.match(s.containerID!, /^k8ts:\/\/c[0-9a-f]+$/);
    assert.equal(s.image, 'docker.io/library/nginx:1.27');
    assert.equal(s.started, true);
    assert.equal(s.restartCount, 0);
    assert.equal(p.status.podIP?.startsWith('10.42.0.'), true);
    assert.equal(p.status.hostIP, '127.0.0.1');
    assert.deepEqual(p.status.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const sb = [...runtime.sandboxes.values()].find((x) => x.metadata.uid === created.metadata.uid)!;
    assert.deepEqual(sb.config.dnsConfig?.searches.slice(0, 3), ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
    assert.deepEqual(sb.config.dnsConfig?.servers, ['10.43.0.10']);
    assert.deepEqual(sb.config.dnsConfig?.options, ['ndots:5']);
    assert.equal(sb.config.hostname, 'web');
    assert.equal(sb.config.logDirectory, join(dataDir, 'agent', 'pods', created.metadata.uid, 'logs'));
    await eventsWith('web', 'Pulled: Container image "nginx:1.27" already present on machine', 'Created: Created container app', 'Started: Started container app');
  });

  test('a crashing container restarts, then backs off (CrashLoopBackOff)', async () => {
    const pod = await create('crash', { containers: [{ name: 'app', image: 'busybox:1.36' }] });
    await until('crash', (p) => cs(p)?.state.running);
    const runningOf = () => [...runtime.containers.values()].find((c) => c.labels['io.kubernetes.pod.uid'] === pod.metadata.uid && c.state === 'CONTAINER_RUNNING')!;
    runtime.exit(runningOf().id, 1);
    const restarted = await until('crash', (p) => cs(p)?.restartCount === 1 && cs(p).state.running);
    assert.equal(cs(restarted).lastState.terminated?.exitCode, 1);
    assert.equal(cs(restarted).lastState.terminated?.reason, 'Error');
    runtime.exit(runningOf().id, 1);
    const looping = await until('crash', (p) => cs(p)?.state.waiting?.reason === 'CrashLoopBackOff');
    assert.equal(cs(looping).state.waiting!.message, `back-off 10s restarting failed container=app pod=crash_default(${pod.metadata.uid})`);
    assert.equal(cs(looping).restartCount, 1);
    assert.equal(cs(looping).ready, false);
    assert.equal(looping.status.phase, 'Running');
    await eventsWith('crash', `BackOff: Back-off restarting failed container app in pod crash_default(${pod.metadata.uid})`);
  });

  test('restartPolicy Never: Completed, Succeeded, sandbox stopped, container kept for logs', async () => {
    const pod = await create('job', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] });
    await until('job', (p) => cs(p)?.state.running);
    const c = [...runtime.containers.values()].find((x) => x.labels['io.kubernetes.pod.uid'] === pod.metadata.uid)!;
    runtime.exit(c.id, 0);
    const done = await until('job', (p) => p.status.phase === 'Succeeded' && p.status.conditions!.some((c) => c.type === 'PodReadyToStartContainers' && c.status === 'False'));
    assert.equal(cs(done).state.terminated?.reason, 'Completed');
    assert.equal(cs(done).state.terminated?.exitCode, 0);
    assert.deepEqual(done.status.conditions!.map((x) => `${x.type}=${x.status}${x.reason ? '/' + x.reason : ''}`), ['PodReadyToStartContainers=False', 'Initialized=True/PodCompleted', 'Ready=False/PodCompleted', 'ContainersReady=False/PodCompleted', 'PodScheduled=True']);
    await env.eventually(() => [...runtime.sandboxes.values()].find((s) => s.metadata.uid === pod.metadata.uid)?.state === 'SANDBOX_NOTREADY');
    // The container stays for `kubectl logs`.
    assert.ok(runtime.containers.has(c.id));
  });

  test('init containers run in order before the app', async () => {
    const pod = await create('init', { initContainers: [{ name: 'one', image: 'busybox:1.36' }, { name: 'two', image: 'busybox:1.36' }], containers: [{ name: 'app', image: 'nginx:1.27' }] });
    const first = await until('init', (p) => cs(p, 'one')?.state.running);
    assert.equal(cs(first, 'two').state.waiting?.reason, 'PodInitializing');
    assert.equal(cs(first, 'app').state.waiting?.reason, 'PodInitializing');
    const mine = (name: string) => [...runtime.containers.values()].find((x) => x.labels['io.kubernetes.pod.uid'] === pod.metadata.uid && x.metadata.name === name && x.state === 'CONTAINER_RUNNING')!;
    runtime.exit(mine('one').id, 0);
    await until('init', (p) => cs(p, 'two')?.state.running);
    runtime.exit(mine('two').id, 0);
    const p = await until('init', (p) => p.status.phase === 'Running');
    assert.equal(cs(p, 'one').state.terminated?.reason, 'Completed');
    assert.equal(cs(p, 'one').ready, true);
    assert.equal(p.status.conditions!.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  test('a missing image: ErrImagePull, then ImagePullBackOff', async () => {
    images.missing.add('nginx:nope');
    // ErrImagePull lasts only until the next sync (the sandbox's relist, 20 ms here).
    const history = await env.history('pods', 'default', 'badimg');
    await create('badimg', { containers: [{ name: 'app', image: 'nginx:nope' }] });
    const waiting = () => history.versions.flatMap((p) => {
      const status = (p as Pod & { status?: PodStatus }).status;
      const w = status && cs({ status })?.state.waiting;
      return w ? [w] : [];
    });
    // The kubelet comes back within the back-off window, which the status reports as ImagePullBackOff.
    await env.eventually(() => waiting().some((w) => w.reason === 'ImagePullBackOff'));
    history.stop();
    const seen = waiting();
    const pulled = seen.findIndex((w) => w.reason === 'ErrImagePull');
    assert.ok(pulled >= 0 && pulled < seen.findIndex((w) => w.reason === 'ImagePullBackOff'), JSON.stringify(seen));
    assert.match(seen[pulled].message!, /not found/);
    assert.equal(seen.find((w) => w.reason === 'ImagePullBackOff')!.message, 'Back-off pulling image "nginx:nope"');
    await eventsWith('badimg', 'Pulling: Pulling image "nginx:nope"', /^Failed: Failed to pull image "nginx:nope": /, 'Failed: Error: ErrImagePull', 'BackOff: Back-off pulling image "nginx:nope"');
  });

  test('runAsNonRoot with a root image: CreateContainerConfigError', async () => {
    const pod = await create('nonroot', { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { runAsNonRoot: true } }] });
    const p = await until('nonroot', (p) => cs(p)?.state.waiting?.reason === 'CreateContainerConfigError');
    assert.equal(cs(p).state.waiting!.message, `container has runAsNonRoot and image will run as root (pod: "nonroot_default(${pod.metadata.uid})", container: app)`);
  });

  test('a failing liveness probe restarts the container', async () => {
    runtime.onExec = (_id, cmd) => ({ stdout: Buffer.from(cmd.includes('fail') ? 'boom' : ''), stderr: Buffer.from(''), exitCode: cmd.includes('fail') ? 1 : 0 });
    await create('live', { containers: [{ name: 'app', image: 'nginx:1.27', livenessProbe: { exec: { command: ['sh', '-c', 'fail'] }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 1 } }] });
    const p = await until('live', (p) => cs(p)?.restartCount >= 1, 8000);
    assert.ok(cs(p).lastState.terminated);
    await eventsWith('live', 'Unhealthy: Liveness probe failed: boom', 'Killing: Container app failed liveness probe, will be restarted');
  });

  test('readiness probe gates Ready', async () => {
    let ok = false;
    runtime.onExec = () => ({ stdout: Buffer.from(''), stderr: Buffer.from(''), exitCode: ok ? 0 : 1 });
    await create('ready', { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1, failureThreshold: 1 } }] });
    const notReady = await until('ready', (p) => cs(p)?.state.running);
    assert.equal(cs(notReady).ready, false);
    assert.equal(notReady.status.conditions!.find((c) => c.type === 'Ready')?.status, 'False');
    ok = true;
    await until('ready', (p) => cs(p).ready && p.status.conditions!.find((c) => c.type === 'Ready')?.status === 'True', 8000);
  });


  test('the termination message comes from the file the container wrote', async () => {
    const pod = await create('msg', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] });
    await until('msg', (p) => cs(p)?.state.running);
    const c = [...runtime.containers.values()].find((x) => x.labels['io.kubernetes.pod.uid'] === pod.metadata.uid)!;
    await writeFile(c.annotations['k8ts.io/container.terminationMessageHostPath'], 'all done');
    runtime.exit(c.id, 3);
    const p = await until('msg', (p) => p.status.phase === 'Failed');
    assert.deepEqual([cs(p).state.terminated?.exitCode, cs(p).state.terminated?.message], [3, 'all done']);
  });

  test('postStart failure kills the container; preStop runs before a graceful stop', async () => {
    const execs: string[] = [];
    runtime.onExec = (_id, cmd) => {
      execs.push(cmd.join(' '));
      return { stdout: Buffer.from(''), stderr: Buffer.from(''), exitCode: cmd.includes('bad') ? 1 : 0 };
    };
    const hook = await create('hook', { containers: [{ name: 'app', image: 'nginx:1.27', lifecycle: { postStart: { exec: { command: ['sh', '-c', 'bad'] } } } }] });
    await eventsWith('hook', `FailedPostStartHook: Exec lifecycle hook ([sh -c bad]) for Container "app" in Pod "hook_default(${hook.metadata.uid})" failed - error: command 'sh -c bad' exited with 1: , message: ""`, 'Killing: FailedPostStartHook');
    await create('stop', { containers: [{ name: 'app', image: 'nginx:1.27', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'goodbye'] } } } }] });
    await until('stop', (p) => p.status.phase === 'Running');
    const before = runtime.calls.length;
    await env.clients.resource('pods').delete('default', 'stop', { gracePeriodSeconds: 5 });
    await env.eventually(() => execs.includes('sh -c goodbye'));
    await env.eventually(() => runtime.calls.slice(before).includes('stopContainer app'));
  });

  test('deleting a pod stops it and removes the object', async () => {
    const pod = await create('gone', { containers: [{ name: 'app', image: 'nginx:1.27' }] });
    await until('gone', (p) => p.status.phase === 'Running');
    await env.clients.resource('pods').delete('default', 'gone', { gracePeriodSeconds: 5 });
    await env.eventually(() => get('gone').then(() => false, isNotFound));
    assert.ok(runtime.calls.includes('stopContainer app'));
    await env.eventually(() => ![...runtime.sandboxes.values()].some((s) => s.metadata.uid === pod.metadata.uid));
    assert.ok(volumes.torn.includes(pod.metadata.uid));
    await eventsWith('gone', 'Killing: Stopping container app');
  });

  test('activeDeadlineSeconds fails the pod', async () => {
    await create('deadline', { activeDeadlineSeconds: 1, containers: [{ name: 'app', image: 'nginx:1.27' }] });
    const p = await until('deadline', (p) => p.status.phase === 'Failed' && cs(p).state.terminated, 6000);
    assert.deepEqual([p.status.reason, p.status.message], ['DeadlineExceeded', 'Pod was active on the node longer than the specified deadline']);
    assert.equal(cs(p).state.terminated!.exitCode, 137);
  });

  test('orphaned sandboxes are torn down', async () => {
    const id = await runtime.runPodSandbox({ metadata: { name: 'orphan', uid: 'no-such-uid', namespace: 'default', attempt: 0 }, hostname: 'orphan', logDirectory: '/nonexistent', labels: { 'io.kubernetes.pod.uid': 'no-such-uid' }, annotations: {}, cgroupParent: '' });
    await env.eventually(() => !runtime.sandboxes.has(id));
  });

  test('a restarted kubelet adopts running containers and starts nothing twice', async () => {
    const pod = await create('adopt', { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 30 } }, { name: 'side', image: 'busybox:1.36' }] });
    runtime.onExec = () => ({ stdout: Buffer.from(''), stderr: Buffer.from(''), exitCode: 0 });
    const before = await until('adopt', (p) => p.status.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.ready));
    const mine = () => [...runtime.containers.values(), ...runtime.sandboxes.values()].filter((c) => c.labels['io.kubernetes.pod.uid'] === pod.metadata.uid).map((c) => c.id).sort();
    const ids = mine();
    abort.abort();
    kubelet.workers.stop();
    start();
    await new Promise((r) => setTimeout(r, 400));
    const after = await until('adopt', (p) => p.status.phase === 'Running');
    assert.deepEqual(mine(), ids);
    assert.deepEqual(cs(after).containerID, cs(before).containerID);
    assert.equal(cs(after).restartCount, 0);
    // Readiness is kept from before the restart rather than flapping while the probe has not run yet.
    assert.equal(cs(after).ready, true);
  });
});
