import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv, type ControllerTestEnv } from '../controllers/framework/testing.js';
import { isNotFound } from '../client/informer.js';
import { scheduler } from '../scheduler/index.js';
import { simulatedNodes } from './simulated-nodes.js';
import type { KubeObject } from '../api/object.js';

type Status = {
  phase?: string;
  podIP?: string;
  hostIP?: string;
  qosClass?: string;
  startTime?: string;
  conditions?: { type: string; status: string; reason?: string }[];
  containerStatuses?: { name: string; ready: boolean; started: boolean; restartCount: number; containerID?: string; image: string; imageID: string; state: { running?: { startedAt: string }; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason: string } } }[];
};

const pod = (name: string, image = 'nginx', extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...(extra.metadata ?? {}) },
  spec: { containers: [{ name: 'app', image }], ...((extra.spec as object) ?? {}) },
});

describe('simulated nodes', () => {
  let env: ControllerTestEnv;
  before(async () => {
    env = await controllerTestEnv();
    await env.start(scheduler(env.ctx), simulatedNodes(env.ctx, { count: 3, startupDelayMs: 30, jobRunMs: 60, failingImages: ['nginx:does-not-exist'], imagePullErrorMs: 150, events: true }));
  });
  after(() => env.stop());

  const get = async (name: string) => (await env.clients.resource('pods').get('default', name)) as KubeObject & { status: Status; spec: { nodeName?: string } };

  test('registers nodes with capacity, labels, conditions and a lease', async () => {
    const node = await env.eventually(async () => {
      try {
        return await env.clients.resource('nodes').get(undefined, 'sim-node-2');
      } catch {
        return undefined;
      }
    });
    const labels = node.metadata!.labels!;
    assert.equal(labels['kubernetes.io/hostname'], 'sim-node-2');
    assert.equal(labels['kubernetes.io/os'], 'linux');
    const status = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; conditions: { type: string; status: string }[]; nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string }; addresses: { type: string; address: string }[] };
    assert.equal(status.capacity.pods, '110');
    assert.equal(status.allocatable.cpu, '4');
    assert.ok(status.capacity['ephemeral-storage']);
    assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    assert.match(status.nodeInfo.kubeletVersion, /^v1\.32\./);
    assert.match(status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
    assert.match(status.addresses.find((a) => a.type === 'InternalIP')!.address, /^127\./);
    const lease = await env.eventually(async () => {
      try {
        return await env.clients.resource('leases').get('kube-node-lease', 'sim-node-2');
      } catch {
        return undefined;
      }
    });
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, 'sim-node-2');
    assert.equal(lease.metadata!.ownerReferences?.[0].kind, 'Node');
  });

  test('a bound pod goes ContainerCreating, then Running and Ready as a kubelet reports it', async () => {
    // ContainerCreating lasts the startup delay (30 ms here): a watch sees it where polling could miss it.
    const history = await env.history('pods', 'default', 'web');
    await env.clients.resource('pods').create(pod('web'));
    const p = await env.eventually(async () => {
      const p = await get('web');
      return p.status.phase === 'Running' ? p : undefined;
    });
    history.stop();
    const creating = (history.versions as { status?: Status }[]).find((v) => v.status?.containerStatuses?.[0]?.state.waiting);
    assert.equal(creating?.status?.containerStatuses![0].state.waiting!.reason, 'ContainerCreating');
    assert.equal(creating?.status?.phase, 'Pending');
    const s = p.status;
    assert.deepEqual(s.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const cs = s.containerStatuses![0];
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.image, 'docker.io/library/nginx:latest');
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.ok(cs.state.running?.startedAt);
    assert.match(s.podIP!, /^10\.\d+\.\d+\.\d+$/);
    assert.match(s.hostIP!, /^127\./);
    assert.equal(s.qosClass, 'BestEffort');
    assert.ok(s.startTime);
    // Events are posted asynchronously and may land after the status.
    const reasons = ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'];
    let events: string[] = [];
    await env.eventually(async () => {
      events = (await env.clients.resource('events').list('default')).items.filter((e) => (e.involvedObject as { name: string }).name === 'web').map((e) => e.reason as string);
      return reasons.every((r) => events.includes(r));
    }).catch(() => assert.fail(`events of web: ${events.join(', ')}; want ${reasons.join(', ')}`));
  });

  test('pods of a Job succeed after the run time', async () => {
    const owner = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: '00000000-0000-0000-0000-000000000001', controller: true, blockOwnerDeletion: true };
    await env.clients.resource('pods').create(pod('pi-abcde', 'perl:5.34', { metadata: { name: 'pi-abcde', namespace: 'default', ownerReferences: [owner] }, spec: { restartPolicy: 'Never' } }));
    const p = await env.eventually(async () => {
      const p = await get('pi-abcde');
      return p.status.phase === 'Succeeded' ? p : undefined;
    });
    const t = p.status.containerStatuses![0].state.terminated!;
    assert.deepEqual({ exitCode: t.exitCode, reason: t.reason }, { exitCode: 0, reason: 'Completed' });
    assert.equal(p.status.conditions!.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
  });

  test('an image that fails to pull reports ErrImagePull, then ImagePullBackOff', async () => {
    // ErrImagePull lasts 150 ms here: a watch sees it where polling could miss it.
    const history = await env.history('pods', 'default', 'broken');
    await env.clients.resource('pods').create(pod('broken', 'nginx:does-not-exist'));
    const waitingAs = (reason: string) => (history.versions as { status?: Status }[]).find((v) => v.status?.containerStatuses?.[0]?.state.waiting?.reason === reason);
    const backoff = (await env.eventually(() => waitingAs('ImagePullBackOff'))) as { status: Status };
    history.stop();
    const first = waitingAs('ErrImagePull');
    assert.ok(first && history.versions.indexOf(first as KubeObject) < history.versions.indexOf(backoff as KubeObject), 'ErrImagePull before ImagePullBackOff');
    assert.equal(
      first.status!.containerStatuses![0].state.waiting!.message,
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:does-not-exist": failed to resolve reference "docker.io/library/nginx:does-not-exist": docker.io/library/nginx:does-not-exist: not found',
    );
    assert.equal(first.status!.phase, 'Pending');
    assert.equal(backoff.status.containerStatuses![0].state.waiting!.message, 'Back-off pulling image "nginx:does-not-exist"');
    assert.equal(backoff.status.conditions!.find((c) => c.type === 'Ready')?.status, 'False');
  });

  test('a deleted pod is stopped and then removed', async () => {
    await env.clients.resource('pods').create(pod('gone'));
    await env.eventually(async () => (await get('gone')).status.phase === 'Running');
    await env.clients.resource('pods').delete('default', 'gone');
    await env.eventually(() => get('gone').then(() => false, isNotFound));
  });
});
