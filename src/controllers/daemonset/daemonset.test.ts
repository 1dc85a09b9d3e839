// In-process tests of the DaemonSet controller against a real API server: one pod per eligible
// node (selector, taints), pods pinned by node affinity with the daemon tolerations, nodes coming
// and going, rolling update within maxUnavailable, and status counts.

import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { daemonSetController } from './index.js';
import { targetNodeName } from './pod-template.js';

type Obj = Record<string, unknown>;

function node(name: string, labels: Record<string, string> = {}, taints: Obj[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: taints.length ? { taints } : {} };
}

function ds(name: string, extra: Obj = {}, podSpec: Obj = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      ...extra,
    },
  };
}

describe('daemonset controller', () => {
  let env: ControllerTestEnv;
  before(async () => {
    env = await controllerTestEnv();
    for (const n of [node('n1', { disk: 'ssd' }), node('n2', { disk: 'ssd' }), node('n3', {}, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }])]) await env.clients.resource('nodes').create(n);
    await env.start(daemonSetController(env.ctx));
  });
  after(() => env.stop());

  const pods = () => env.clients.resource('pods');
  const livePods = async (app: string) => (await pods().list('default', { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const byNode = async (app: string) => (await livePods(app)).map((p) => targetNodeName(p)).sort();
  const markReady = (name: string) => pods().patch('default', name, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2020-01-01T00:00:00Z' }] } }, { subresource: 'status' });
  const settle = () => new Promise((r) => setTimeout(r, 150));

  test('one pod per untainted node, pinned by node affinity, with the daemon tolerations', async () => {
    await env.clients.resource('daemonsets').create(ds('agent'));
    await env.eventually(async () => (await livePods('agent')).length === 2);
    await settle();
    assert.deepEqual(await byNode('agent'), ['n1', 'n2']);
    const p = (await livePods('agent'))[0]!;
    const spec = p.spec as Obj;
    assert.equal(spec.nodeName, undefined);
    const terms = (((spec.affinity as Obj).nodeAffinity as Obj).requiredDuringSchedulingIgnoredDuringExecution as Obj).nodeSelectorTerms as Obj[];
    assert.equal(terms.length, 1);
    assert.deepEqual((terms[0]!.matchFields as Obj[])[0]!.key, 'metadata.name');
    const keys = (spec.tolerations as Obj[]).map((t) => `${t.key}:${t.effect}`);
    for (const k of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']) assert.ok(keys.includes(k), k);
    assert.ok(!keys.includes('node.kubernetes.io/network-unavailable:NoSchedule'));
    assert.match(p.metadata!.labels!['controller-revision-hash']!, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.match(p.metadata!.name!, /^agent-[a-z0-9]{5}$/);
    const revs = (await env.clients.resource('controllerrevisions').list('default')).items.filter((r) => r.metadata?.ownerReferences?.[0]?.name === 'agent');
    assert.equal(revs.length, 1);
    assert.equal(revs[0]!.metadata!.name, `agent-${p.metadata!.labels!['controller-revision-hash']}`);
    for (const q of await livePods('agent')) await markReady(q.metadata!.name!);
    const st = await env.eventually(async () => {
      const s = (await env.clients.resource('daemonsets').get('default', 'agent')).status as Obj;
      return s.numberReady === 2 ? s : undefined;
    });
    assert.deepEqual(
      { d: st.desiredNumberScheduled, c: st.currentNumberScheduled, a: st.numberAvailable, u: st.updatedNumberScheduled, m: st.numberMisscheduled, un: st.numberUnavailable, og: st.observedGeneration },
      { d: 2, c: 2, a: 2, u: 2, m: 0, un: undefined, og: 1 },
    );
  });

  test('nodeSelector and tolerations decide eligibility', async () => {
    await env.clients.resource('daemonsets').create(ds('ssd', {}, { nodeSelector: { disk: 'ssd' } }));
    await env.clients.resource('daemonsets').create(ds('gpu', {}, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    await env.eventually(async () => (await livePods('ssd')).length === 2 && (await livePods('gpu')).length === 3);
    await settle();
    assert.deepEqual(await byNode('ssd'), ['n1', 'n2']);
    assert.deepEqual(await byNode('gpu'), ['n1', 'n2', 'n3']);
  });

  test('a new node gets a pod; a removed node loses it', async () => {
    await env.clients.resource('nodes').create(node('n4'));
    await env.eventually(async () => (await byNode('agent')).join() === 'n1,n2,n4');
    await env.clients.resource('nodes').delete(undefined, 'n4');
    await env.eventually(async () => (await byNode('agent')).join() === 'n1,n2');
  });

  test('rolling update replaces pods within maxUnavailable', async () => {
    const before = new Set((await livePods('agent')).map((p) => p.metadata!.name!));
    await env.clients.resource('daemonsets').patch('default', 'agent', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    const imageOf = (p: KubeObject) => ((p.spec as Obj).containers as Obj[])[0]!.image;
    // maxUnavailable 1: one node at a time; the second waits for the first new pod to be ready.
    const first = await env.eventually(async () => (await livePods('agent')).find((p) => imageOf(p) === 'agent:2'));
    await settle();
    const live = await livePods('agent');
    assert.equal(live.length, 2);
    assert.equal(live.filter((p) => imageOf(p) === 'agent:2').length, 1);
    assert.ok(live.some((p) => before.has(p.metadata!.name!)), 'one old pod remains while the new one is not ready');
    await markReady(first.metadata!.name!);
    const second = await env.eventually(async () => (await livePods('agent')).find((p) => imageOf(p) === 'agent:2' && p.metadata!.name !== first.metadata!.name));
    await markReady(second.metadata!.name!);
    const st = await env.eventually(async () => {
      const s = (await env.clients.resource('daemonsets').get('default', 'agent')).status as Obj;
      return s.updatedNumberScheduled === 2 && s.numberAvailable === 2 && s.observedGeneration === 2 ? s : undefined;
    });
    assert.equal(st.desiredNumberScheduled, 2);
    const revs = (await env.clients.resource('controllerrevisions').list('default')).items.filter((r) => r.metadata?.ownerReferences?.[0]?.name === 'agent').map((r) => r.revision).sort();
    assert.deepEqual(revs, [1, 2]);
    // Events are posted after the writes they report, so they may land later.
    await env.eventually(async () => {
      const events = (await env.clients.resource('events').list('default')).items.map((e) => `${e.reason}: ${e.message}`);
      return events.some((e) => /^SuccessfulDelete: Deleted pod: agent-/.test(e)) && events.some((e) => /^SuccessfulCreate: Created pod: agent-/.test(e));
    });
  });
  test('a failed daemon pod is replaced on its node', async () => {
    const victim = (await livePods('ssd')).find((p) => targetNodeName(p) === 'n1')!;
    await pods().patch('default', victim.metadata!.name!, 'merge', { status: { phase: 'Failed' } }, { subresource: 'status' });
    await env.eventually(async () => {
      const onN1 = (await livePods('ssd')).filter((p) => targetNodeName(p) === 'n1');
      return onN1.length === 1 && onN1[0]!.metadata!.name !== victim.metadata!.name;
    });
    await env.eventually(async () => {
      const events = (await env.clients.resource('events').list('default')).items;
      return events.some((e) => e.reason === 'FailedDaemonPod' && e.message === `Found failed daemon pod default/${victim.metadata!.name} on node n1, will try to kill it`);
    });
  });
});
