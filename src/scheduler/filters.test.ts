import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runFilters, nodeAffinity, nodePorts, nodeResourcesFit, nodeUnschedulable, taintToleration, nodeName } from './filters.js';
import { interPodAffinity, interPodAffinityState } from './inter-pod-affinity.js';
import { NodeInfo } from './node-info.js';
import { podInfo } from './pod-info.js';
import type { Pod, Taint } from './types.js';

const node = (name: string, extra: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; cpu?: string; memory?: string; pods?: string } = {}): NodeInfo =>
  new NodeInfo({
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } },
    spec: { taints: extra.taints, unschedulable: extra.unschedulable },
    status: { allocatable: { cpu: extra.cpu ?? '2', memory: extra.memory ?? '4Gi', pods: extra.pods ?? '110' } },
  });

let seq = 0;
const pod = (spec: Pod['spec'] = {}, meta: Pod['metadata'] = {}): Pod => ({
  metadata: { name: `p${seq++}`, namespace: 'default', uid: `u${seq}`, ...meta },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
});
const withRequests = (cpu?: string, memory?: string, more: Pod['spec'] = {}) =>
  pod({ containers: [{ name: 'c', resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } }], ...more });

describe('NodeResourcesFit', () => {
  const cases: { name: string; pod: Pod; on?: Pod[]; node?: NodeInfo; want?: string[] }[] = [
    { name: 'fits an empty node', pod: withRequests('1', '1Gi') },
    { name: 'too much cpu', pod: withRequests('3'), want: ['Insufficient cpu'] },
    { name: 'cpu and memory, in upstream order', pod: withRequests('3', '5Gi'), want: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'counts pods already on the node', pod: withRequests('1500m'), on: [withRequests('1')], want: ['Insufficient cpu'] },
    { name: 'exactly full still fits', pod: withRequests('1'), on: [withRequests('1')] },
    { name: 'pod count', pod: pod(), on: [pod()], node: node('n', { pods: '1' }), want: ['Too many pods'] },
    {
      name: 'init containers count by their max',
      pod: pod({ initContainers: [{ name: 'i', resources: { requests: { cpu: '2500m' } } }], containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] }),
      want: ['Insufficient cpu'],
    },
    {
      name: 'init container below the sum of containers',
      pod: pod({ initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }], containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }, { name: 'b', resources: { requests: { cpu: '1' } } }] }),
    },
    { name: 'extended resource the node lacks', pod: pod({ containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': '1' } } }] }), want: ['Insufficient example.com/gpu'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const n = c.node ?? node('n');
      for (const p of c.on ?? []) n.addPod(podInfo(p));
      assert.deepEqual(nodeResourcesFit(podInfo(c.pod), n)?.reasons, c.want);
    });
  }
  test('removing a pod frees its requests', () => {
    const n = node('n');
    const p = podInfo(withRequests('2'));
    n.addPod(p);
    assert.ok(nodeResourcesFit(podInfo(withRequests('1')), n));
    n.removePod(p.key);
    assert.equal(nodeResourcesFit(podInfo(withRequests('1')), n), undefined);
  });
});

describe('NodeAffinity (nodeSelector and required terms)', () => {
  const n = node('n1', { labels: { disk: 'ssd', gen: '5', zone: 'a' } });
  const term = (expr: object[], fields: object[] = []) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expr, matchFields: fields }] } } } }) as Pod['spec'];
  const cases: [string, Pod['spec'], boolean][] = [
    ['no constraints', {}, true],
    ['nodeSelector matches', { nodeSelector: { disk: 'ssd' } }, true],
    ['nodeSelector mismatches', { nodeSelector: { disk: 'hdd' } }, false],
    ['In', term([{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }]), true],
    ['In, absent label', term([{ key: 'gpu', operator: 'In', values: ['x'] }]), false],
    ['NotIn', term([{ key: 'disk', operator: 'NotIn', values: ['ssd'] }]), false],
    ['NotIn, absent label', term([{ key: 'gpu', operator: 'NotIn', values: ['x'] }]), true],
    ['Exists', term([{ key: 'zone', operator: 'Exists' }]), true],
    ['DoesNotExist', term([{ key: 'zone', operator: 'DoesNotExist' }]), false],
    ['Gt', term([{ key: 'gen', operator: 'Gt', values: ['4'] }]), true],
    ['Gt, equal', term([{ key: 'gen', operator: 'Gt', values: ['5'] }]), false],
    ['Lt', term([{ key: 'gen', operator: 'Lt', values: ['6'] }]), true],
    ['Lt on a non-integer label', term([{ key: 'disk', operator: 'Lt', values: ['6'] }]), false],
    ['matchFields metadata.name', term([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]), true],
    ['matchFields other node', term([], [{ key: 'metadata.name', operator: 'In', values: ['n2'] }]), false],
    ['empty term matches nothing', term([]), false],
    ['terms are ORed', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { matchExpressions: [{ key: 'disk', operator: 'Exists' }] }] } } } }, true],
  ];
  for (const [name, spec, ok] of cases) {
    test(name, () => {
      const f = nodeAffinity(podInfo(pod(spec)), n);
      assert.equal(f === undefined, ok);
      if (f) assert.deepEqual(f, { plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] });
    });
  }
});

describe('TaintToleration', () => {
  const cases: [string, { key: string; value?: string; effect: string }[], object[], string | undefined][] = [
    ['untainted', [], [], undefined],
    ['NoSchedule untolerated', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [], 'node(s) had untolerated taint {k: v}'],
    ['empty value', [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }], [], 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    ['PreferNoSchedule is not a filter', [{ key: 'k', effect: 'PreferNoSchedule' }], [], undefined],
    ['NoExecute untolerated', [{ key: 'k', effect: 'NoExecute' }], [], 'node(s) had untolerated taint {k: }'],
    ['Equal toleration', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }], undefined],
    ['Equal, other value', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [{ key: 'k', operator: 'Equal', value: 'w' }], 'node(s) had untolerated taint {k: v}'],
    ['Exists on key, any effect', [{ key: 'k', value: 'v', effect: 'NoExecute' }], [{ key: 'k', operator: 'Exists' }], undefined],
    ['effect must match', [{ key: 'k', effect: 'NoExecute' }], [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }], 'node(s) had untolerated taint {k: }'],
    ['empty key Exists tolerates everything', [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }], [{ operator: 'Exists' }], undefined],
  ];
  for (const [name, taints, tolerations, want] of cases) {
    test(name, () => {
      const f = taintToleration(podInfo(pod({ tolerations })), node('n', { taints }));
      assert.deepEqual(f?.reasons, want === undefined ? undefined : [want]);
    });
  }
});

describe('NodeUnschedulable, NodeName, NodePorts', () => {
  test('cordoned node', () => {
    assert.deepEqual(nodeUnschedulable(podInfo(pod()), node('n', { unschedulable: true }))?.reasons, ['node(s) were unschedulable']);
    assert.equal(nodeUnschedulable(podInfo(pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] })), node('n', { unschedulable: true })), undefined);
  });
  test('nodeName', () => {
    assert.deepEqual(nodeName(podInfo(pod({ nodeName: 'other' })), node('n'))?.reasons, ["node(s) didn't match the requested node name"]);
    assert.equal(nodeName(podInfo(pod({ nodeName: 'n' })), node('n')), undefined);
  });
  const portPod = (hostPort: number, protocol?: string, hostIP?: string) => pod({ containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort, protocol, hostIP }] }] });
  const cases: [string, Pod, Pod, boolean][] = [
    ['same port', portPod(8080), portPod(8080), false],
    ['other port', portPod(8080), portPod(8081), true],
    ['other protocol', portPod(53, 'UDP'), portPod(53, 'TCP'), true],
    ['distinct IPs', portPod(80, 'TCP', '10.0.0.1'), portPod(80, 'TCP', '10.0.0.2'), true],
    ['wildcard conflicts with a specific IP', portPod(80, 'TCP', '10.0.0.1'), portPod(80), false],
  ];
  for (const [name, existing, incoming, ok] of cases) {
    test(`host ports: ${name}`, () => {
      const n = node('n');
      n.addPod(podInfo(existing));
      const f = nodePorts(podInfo(incoming), n);
      assert.equal(f === undefined, ok);
      if (f) assert.equal(f.code, 'Unschedulable');
    });
  }
});

describe('InterPodAffinity (required anti-affinity)', () => {
  const anti = (app: string) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' }] } } }) as Pod['spec'];
  test("the incoming pod's terms", () => {
    const a = node('a');
    const b = node('b');
    a.addPod(podInfo(pod({}, { labels: { app: 'web' } })));
    const incoming = podInfo(pod(anti('web'), { labels: { app: 'web' } }));
    const state = interPodAffinityState(incoming, [a, b]);
    assert.deepEqual(interPodAffinity(incoming, a, state)?.reasons, ["node(s) didn't match pod anti-affinity rules"]);
    assert.equal(interPodAffinity(incoming, b, state), undefined);
  });
  test("existing pods' terms", () => {
    const a = node('a');
    a.addPod(podInfo(pod(anti('db'), { labels: { app: 'x' } })));
    const incoming = podInfo(pod({}, { labels: { app: 'db' } }));
    const interPod = interPodAffinityState(incoming, [a]);
    assert.deepEqual(runFilters(incoming, a, { interPod })?.reasons, ["node(s) didn't satisfy existing pods anti-affinity rules"]);
  });
  test('other namespaces do not match', () => {
    const a = node('a');
    a.addPod(podInfo(pod({}, { labels: { app: 'web' }, namespace: 'other' })));
    const incoming = podInfo(pod(anti('web')));
    const state = interPodAffinityState(incoming, [a]);
    assert.equal(interPodAffinity(incoming, a, state), undefined);
  });
});

test('runFilters stops at the first failing filter, in upstream order', () => {
  const n = node('n', { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }], cpu: '1' });
  assert.equal(runFilters(podInfo(withRequests('2')), n, undefined)?.plugin, 'NodeUnschedulable');
});
