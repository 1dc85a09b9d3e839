import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from '../cri/types.js';
import type { Container, Pod } from '../types.js';
import { generateContainerConfig } from './container-config.js';
import { ContainerConfigError, makeEnvironmentVariables, type EnvContext } from './env.js';
import { linuxResources, milliCpuToQuota, milliCpuToShares, oomScoreAdj } from './resources.js';
import { linuxSecurityContext, verifyRunAsNonRoot } from './security-context.js';

const pod = (c: Partial<Container> = {}, spec: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'uid-1', labels: { app: 'web' }, annotations: { note: 'hi' } },
  spec: { containers: [{ name: 'app', image: 'nginx', ...c }], nodeName: 'node1', serviceAccountName: 'sa', ...spec },
});

const ctx = (cms: Record<string, Record<string, string>> = {}, secrets: Record<string, Record<string, string>> = {}): EnvContext => ({
  podIPs: ['10.42.0.7'],
  hostIPs: ['192.168.1.2'],
  nodeName: 'node1',
  allocatable: { cpu: '4', memory: '8Gi' },
  sources: { configMap: async (_ns, n) => cms[n], secret: async (_ns, n) => secrets[n] },
});

describe('environment', () => {
  test('value, $(VAR) expansion, downward API, resources, configMap and secret refs, envFrom with prefix', async () => {
    const p = pod({
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'sec' } }],
      env: [
        { name: 'A', value: 'a' },
        { name: 'B', value: '$(A)-b-$(MISSING)-$$(A)' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'K', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } },
        { name: 'S', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
      ],
      resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
    });
    const env = await makeEnvironmentVariables(p, p.spec.containers[0], ctx({ cfg: { k: 'v', 'bad key': 'x' } }, { sec: { password: 'pw' } }));
    assert.deepEqual(Object.fromEntries(env.map((e) => [e.name, e.value])), {
      CFG_k: 'v',
      password: 'pw',
      A: 'a',
      B: 'a-b-$(MISSING)-$(A)',
      POD: 'web',
      NS: 'ns',
      IP: '10.42.0.7',
      HOST: '192.168.1.2',
      NODE: 'node1',
      LABEL: 'web',
      SA: 'sa',
      MEM: '64',
      CPU: '250',
      CPU_LIMIT: '4',
      K: 'v',
      S: 'pw',
    });
  });
  test('missing references are CreateContainerConfigError with upstream messages', async () => {
    const cases: [Partial<Container>, string][] = [
      [{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }, 'configmap "cm" not found'],
      [{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nokey' } } }] }, "couldn't find key nokey in ConfigMap ns/cfg"],
      [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, 'secret "s" not found'],
      [{ envFrom: [{ secretRef: { name: 's' } }] }, 'secret "s" not found'],
      [{ envFrom: [{ configMapRef: { name: 'cm' } }] }, 'configmap "cm" not found'],
      [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'nokey' } } }] }, "couldn't find key nokey in Secret ns/sec"],
    ];
    for (const [c, msg] of cases) {
      const p = pod(c);
      await assert.rejects(makeEnvironmentVariables(p, p.spec.containers[0], ctx({ cfg: { k: 'v' } }, { sec: { p: 'x' } })), (e: Error) => e instanceof ContainerConfigError && e.message === msg);
    }
  });
});

describe('resources', () => {
  test('shares and quota', () => {
    const cases: [number, number, number][] = [
      [0, 2, 0],
      [1, 2, 1000],
      [100, 102, 10000],
      [250, 256, 25000],
      [1000, 1024, 100000],
      [2500, 2560, 250000],
    ];
    for (const [m, shares, quota] of cases) {
      assert.equal(milliCpuToShares(m), shares, `shares ${m}`);
      assert.equal(milliCpuToQuota(m), quota, `quota ${m}`);
    }
  });
  test('container resources to CRI', () => {
    assert.deepEqual(linuxResources({ name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }, 'Burstable', 1024 * 1024 * 1024), { cpuShares: 102, cpuPeriod: 100000, cpuQuota: 50000, oomScoreAdj: 938, memoryLimitInBytes: 134217728 });
    assert.deepEqual(linuxResources({ name: 'a' }, 'BestEffort', 0), { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 0, oomScoreAdj: 1000 });
    assert.equal(linuxResources({ name: 'a', resources: { limits: { cpu: '1' } } }, 'Burstable', 1).cpuShares, 1024);
    assert.equal(oomScoreAdj('Guaranteed', { name: 'a' }, 1), -997);
    assert.equal(oomScoreAdj('Burstable', { name: 'a', resources: { requests: { memory: '1Gi' } } }, 1024 ** 3), 3);
    assert.equal(oomScoreAdj('Burstable', { name: 'a' }, 1024 ** 3), 999);
  });
});

describe('security context', () => {
  const img = (user: string) => ({ config: { user } }) as Pick<Image, 'config'>;
  test('runAsNonRoot against the image user, with upstream messages', () => {
    const cases: [Partial<Container>, Partial<Pod['spec']>, string, string | undefined][] = [
      [{ securityContext: { runAsNonRoot: true } }, {}, '', 'container has runAsNonRoot and image will run as root (pod: "web_ns(uid-1)", container: app)'],
      [{ securityContext: { runAsNonRoot: true } }, {}, '0:0', 'container has runAsNonRoot and image will run as root (pod: "web_ns(uid-1)", container: app)'],
      [{ securityContext: { runAsNonRoot: true } }, {}, 'nginx', 'container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: "web_ns(uid-1)", container: app)'],
      [{ securityContext: { runAsNonRoot: true } }, {}, '101', undefined],
      [{ securityContext: { runAsNonRoot: true, runAsUser: 0 } }, {}, '101', 'container\'s runAsUser breaks non-root policy (pod: "web_ns(uid-1)", container: app)'],
      [{}, { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }, '', undefined],
      [{ securityContext: { runAsUser: 1000 } }, { securityContext: { runAsNonRoot: true } }, '', undefined],
      [{}, {}, '', undefined],
    ];
    for (const [c, spec, user, want] of cases) {
      const p = pod(c, spec);
      const u = user === '' ? { uid: 0 } : /^\d/.test(user) ? { uid: Number(user.split(':')[0]) } : { username: user };
      try {
        verifyRunAsNonRoot(p, p.spec.containers[0], u);
        assert.equal(undefined, want, JSON.stringify(c));
      } catch (e) {
        assert.equal((e as Error).message, want);
      }
    }
    void img;
  });
  test('pod and container merge into the CRI context', () => {
    const p = pod({ securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } }, { securityContext: { runAsUser: 5, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] } });
    const sc = linuxSecurityContext(p, p.spec.containers[0], { uid: 0 });
    assert.equal(sc.runAsUser, 1000);
    assert.equal(sc.runAsGroup, 3000);
    assert.deepEqual(sc.supplementalGroups, [2000, 4000]);
    assert.equal(sc.readonlyRootfs, true);
    assert.equal(sc.noNewPrivs, true);
    assert.deepEqual(sc.capabilities, { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] });
    assert.equal(sc.privileged, false);
    assert.ok(sc.maskedPaths!.includes('/proc/kcore'));
    const named = linuxSecurityContext(pod(), pod().spec.containers[0], { username: 'nginx' });
    assert.equal(named.runAsUser, undefined);
    assert.equal(named.runAsUsername, 'nginx');
    const priv = pod({ securityContext: { privileged: true } });
    assert.deepEqual(linuxSecurityContext(priv, priv.spec.containers[0], { uid: 0 }).maskedPaths, []);
  });
});

test('generateContainerConfig: expanded command and args, labels, annotations, log path, termination mount', async () => {
  const p = pod({ command: ['sh', '-c'], args: ['echo $(GREETING) $(POD)'], env: [{ name: 'GREETING', value: 'hi' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], workingDir: '/w', tty: true, stdin: true });
  const cfg = await generateContainerConfig({
    pod: p,
    container: p.spec.containers[0],
    image: { id: 'sha256:img', repoTags: [], repoDigests: [], size: 1, config: { user: '' } },
    restartCount: 2,
    env: ctx(),
    qosClass: 'BestEffort',
    memoryCapacity: 1,
    mounts: async () => [{ containerPath: '/data', hostPath: '/h/data', readonly: false }],
    terminationMessageHostPath: '/pods/uid-1/containers/app/abc',
  });
  assert.deepEqual(cfg.command, ['sh', '-c']);
  assert.deepEqual(cfg.args, ['echo hi web']);
  assert.equal(cfg.image, 'sha256:img');
  assert.equal(cfg.logPath, 'app/2.log');
  assert.deepEqual(cfg.metadata, { name: 'app', attempt: 2 });
  assert.equal(cfg.workingDir, '/w');
  assert.equal(cfg.tty, true);
  assert.deepEqual(cfg.labels, { 'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'ns', 'io.kubernetes.pod.uid': 'uid-1' });
  assert.equal(cfg.annotations['io.kubernetes.container.restartCount'], '2');
  assert.equal(cfg.annotations['io.kubernetes.container.terminationMessagePath'], '/dev/termination-log');
  assert.deepEqual(cfg.mounts.map((m) => m.containerPath), ['/data', '/dev/termination-log']);
  assert.deepEqual(cfg.envs, [{ key: 'GREETING', value: 'hi' }, { key: 'POD', value: 'web' }]);
});
