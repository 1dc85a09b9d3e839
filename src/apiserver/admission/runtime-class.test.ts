import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../testing.js';
import { applyRuntimeClass, mergeTolerations, overheadViolation, sameResourceList } from './runtime-class.js';

const rc = (extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'rc' }, handler: 'runc', ...extra });
const pod = (spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { runtimeClassName: 'rc', containers: [{ name: 'c', image: 'x' }], ...spec } });
const MISMATCH = "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";

describe('RuntimeClass admission: pure parts', () => {
  test('sameResourceList compares quantities by value and treats absent as empty', () => {
    const cases: [unknown, unknown, boolean][] = [
      [{ cpu: '1' }, { cpu: '1000m' }, true],
      [{ memory: '1Mi' }, { memory: '1048576' }, true],
      [{ cpu: '1' }, { cpu: '2' }, false],
      [{ cpu: '1' }, { cpu: '1', memory: '1Mi' }, false],
      [undefined, {}, true],
      [undefined, { cpu: '1' }, false],
    ];
    for (const [a, b, want] of cases) assert.equal(sameResourceList(a, b), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  });

  test('mergeTolerations: the class first, then the pod\'s whose key and effect the class does not cover', () => {
    const cls = [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }];
    const podTs = [{ key: 'a', operator: 'Equal', value: 'x', effect: 'NoSchedule' }, { key: 'a', operator: 'Exists', effect: 'NoExecute' }, { key: 'b', operator: 'Exists' }];
    assert.deepEqual(mergeTolerations(podTs, cls), [cls[0], podTs[1], podTs[2]]);
    assert.deepEqual(mergeTolerations([], []), []);
    assert.deepEqual(mergeTolerations(podTs.slice(2), []), podTs.slice(2));
  });

  test('applyRuntimeClass sets the overhead, merges the selector and tolerations, or says why not', () => {
    type Case = { name: string; cls: KubeObject; spec: Record<string, unknown>; why?: string; want?: Record<string, unknown> };
    const cases: Case[] = [
      { name: 'no overhead, no scheduling: unchanged', cls: rc(), spec: {}, want: {} },
      { name: 'overhead copied', cls: rc({ overhead: { podFixed: { cpu: '10m', memory: '1Mi' } } }), spec: {}, want: { overhead: { cpu: '10m', memory: '1Mi' } } },
      { name: 'equal overhead kept', cls: rc({ overhead: { podFixed: { cpu: '1' } } }), spec: { overhead: { cpu: '1000m' } }, want: { overhead: { cpu: '1' } } },
      { name: 'different overhead refused', cls: rc({ overhead: { podFixed: { cpu: '1' } } }), spec: { overhead: { cpu: '2' } }, why: MISMATCH },
      { name: 'nodeSelector merged', cls: rc({ scheduling: { nodeSelector: { sandbox: 'yes' } } }), spec: { nodeSelector: { disk: 'ssd' } }, want: { nodeSelector: { disk: 'ssd', sandbox: 'yes' } } },
      { name: 'nodeSelector taken when the pod has none', cls: rc({ scheduling: { nodeSelector: { sandbox: 'yes' } } }), spec: {}, want: { nodeSelector: { sandbox: 'yes' } } },
      { name: 'same selector value is no conflict', cls: rc({ scheduling: { nodeSelector: { sandbox: 'yes' } } }), spec: { nodeSelector: { sandbox: 'yes' } }, want: { nodeSelector: { sandbox: 'yes' } } },
      { name: 'selector conflict refused', cls: rc({ scheduling: { nodeSelector: { sandbox: 'yes' } } }), spec: { nodeSelector: { sandbox: 'no' } }, why: 'conflict: runtimeClass.scheduling.nodeSelector[sandbox] = yes; pod.spec.nodeSelector[sandbox] = no' },
      { name: 'tolerations appended after the class\'s', cls: rc({ scheduling: { tolerations: [{ key: 't', operator: 'Exists', effect: 'NoSchedule' }] } }), spec: { tolerations: [{ key: 'u', operator: 'Exists' }] }, want: { tolerations: [{ key: 't', operator: 'Exists', effect: 'NoSchedule' }, { key: 'u', operator: 'Exists' }] } },
    ];
    for (const c of cases) {
      const p = pod(c.spec);
      const why = applyRuntimeClass(p, c.cls);
      assert.equal(why, c.why, c.name);
      if (c.want) {
        const { runtimeClassName: _r, containers: _c, ...rest } = p.spec as Record<string, unknown>;
        assert.deepEqual(rest, c.want, c.name);
      }
    }
  });

  test('overheadViolation: the pod\'s overhead must be exactly its class\'s', () => {
    const withOverhead = rc({ overhead: { podFixed: { cpu: '10m' } } });
    assert.equal(overheadViolation(pod({ overhead: { cpu: '10m' } }), withOverhead), undefined);
    assert.equal(overheadViolation(pod({ overhead: { cpu: '20m' } }), withOverhead), MISMATCH);
    assert.equal(overheadViolation(pod(), withOverhead), MISMATCH);
    assert.equal(overheadViolation(pod(), rc()), undefined);
    assert.equal(overheadViolation(pod({ overhead: { cpu: '10m' } }), rc()), 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
    assert.equal(overheadViolation(pod({ runtimeClassName: undefined, overhead: { cpu: '10m' } }), undefined), 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
  });
});

describe('RuntimeClass admission: through the API', () => {
  let s: TestServer;
  const post = (body: unknown) => s.request('POST', '/api/v1/namespaces/default/pods', body);
  before(async () => {
    s = await testServer(new MemoryStore());
    const r = await s.request('POST', '/apis/node.k8s.io/v1/runtimeclasses', rc({ metadata: { name: 'sandboxed' }, overhead: { podFixed: { cpu: '250m' } }, scheduling: { nodeSelector: { sandbox: 'true' }, tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }] } }));
    assert.equal(r.status, 201, String(r.body));
  });

  test('a pod naming the class gets its overhead, selector and toleration', async () => {
    const r = await post({ ...pod({ runtimeClassName: 'sandboxed' }), metadata: { name: 'ok' } });
    assert.equal(r.status, 201, String(r.body));
    const spec = (r.json() as KubeObject).spec as Record<string, unknown>;
    assert.deepEqual(spec.overhead, { cpu: '250m' });
    assert.deepEqual(spec.nodeSelector, { sandbox: 'true' });
    assert.deepEqual((spec.tolerations as { key: string }[]).map((t) => t.key), ['sandbox', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  });

  test('a pod bringing its own overhead is refused with upstream\'s messages', async () => {
    const wrong = await post({ ...pod({ runtimeClassName: 'sandboxed', overhead: { cpu: '1' } }), metadata: { name: 'wrong' } });
    assert.equal(wrong.status, 403);
    assert.equal((wrong.json() as { message: string }).message, `pods "wrong" is forbidden: ${MISMATCH}`);
    const none = await post({ ...pod({ runtimeClassName: undefined, overhead: { cpu: '1' } }), metadata: { generateName: 'gen-' } });
    assert.equal(none.status, 403);
    // The validating phase runs after the name is generated, upstream too (inside the store's Create).
    assert.match((none.json() as { message: string }).message, /^pods "gen-[a-z0-9]{5}" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead$/);
  });

  test('a nodeSelector conflict is refused', async () => {
    const r = await post({ ...pod({ runtimeClassName: 'sandboxed', nodeSelector: { sandbox: 'false' } }), metadata: { name: 'conflict' } });
    assert.equal(r.status, 403);
    assert.equal((r.json() as { message: string }).message, 'pods "conflict" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[sandbox] = true; pod.spec.nodeSelector[sandbox] = false');
  });

  test('a pod\'s overhead is validated like container limits', async () => {
    const r = await s.request('POST', '/apis/node.k8s.io/v1/runtimeclasses', rc({ metadata: { name: 'neg' }, overhead: { podFixed: { cpu: '-1' } } }));
    assert.equal(r.status, 422);
    assert.match(String(r.body), /overhead.limits\[cpu\]: Invalid value: \\"-1\\": must be greater than or equal to 0/);
  });
});
