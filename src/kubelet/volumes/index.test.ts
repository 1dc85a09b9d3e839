// The volume manager end to end on a real filesystem: a pod with every kind of volume is set up,
// refreshed (configMap change swaps ..data; tokens re-requested only when due) and torn down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { mountPoints } from './empty-dir.js';
import { newTokenCache, refreshVolumes, setUpVolumes, tearDownVolumes, VolumeSetUpError, type VolumeDeps } from './index.js';

const TOKEN_MOUNT = [
  { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
  { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
  { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
];

function makePod(extraVolumes: KubeObject[] = []): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'uid-1', labels: { app: 'web' } },
    spec: {
      serviceAccountName: 'builder',
      securityContext: { fsGroup: 2000 },
      containers: [{ name: 'c', resources: { limits: { memory: '64Mi' } } }],
      volumes: [
        { name: 'kube-api-access-abcde', projected: { defaultMode: 420, sources: TOKEN_MOUNT } },
        { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'app.conf', path: 'app.conf' }] } },
        { name: 'creds', secret: { secretName: 'missing-ok', optional: true } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'scratch', emptyDir: {} },
        { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
        ...extraVolumes,
      ],
    },
  };
}

function fakeDeps(dataDir: string) {
  const configMaps = new Map<string, KubeObject>([
    ['shop/kube-root-ca.crt', { metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'CA-PEM' } }],
    ['shop/app-config', { metadata: { name: 'app-config' }, data: { 'app.conf': 'v1' } }],
  ]);
  const requests: { ns: string; sa: string; audiences: string[]; expirationSeconds: number; boundPod: { name: string; uid: string } }[] = [];
  let now = new Date('2024-06-01T00:00:00Z');
  const deps: VolumeDeps = {
    dataDir,
    nodeName: 'node-1',
    getConfigMap: (ns, name) => configMaps.get(`${ns}/${name}`),
    getSecret: () => undefined,
    getPersistentVolumeClaim: (_ns, name) =>
      name === 'bound'
        ? { metadata: { name, namespace: 'shop', uid: 'pvc-uid' }, spec: { volumeName: 'pvc-pvc-uid' }, status: { phase: 'Bound' } }
        : { metadata: { name, namespace: 'shop' }, spec: {}, status: { phase: 'Pending' } },
    getPersistentVolume: (name) => ({
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
      spec: { hostPath: { path: join(dataDir, 'storage', 'pvc-pvc-uid_shop_bound'), type: 'DirectoryOrCreate' }, claimRef: { name: 'bound', namespace: 'shop', uid: 'pvc-uid' } },
    }),
    requestToken: async (ns, sa, req) => {
      requests.push({ ns, sa, ...req });
      return { token: `token-${requests.length}`, expirationTimestamp: new Date(now.getTime() + req.expirationSeconds * 1000).toISOString() };
    },
    tokens: newTokenCache(),
    now: () => now,
  };
  return { deps, configMaps, requests, advance: (s: number) => (now = new Date(now.getTime() + s * 1000)) };
}

test('sets up, refreshes and tears down a pod\'s volumes', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8tD-vm-'));
  const podVolumes = join(dataDir, 'agent/pods/uid-1/volumes');
  t.after(async () => {
    await tearDownVolumes('uid-1', { dataDir }).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });
  const { deps, configMaps, requests, advance } = fakeDeps(dataDir);
  const pod = makePod([{ name: 'data', persistentVolumeClaim: { claimName: 'bound' } }]);
  const vols = await setUpVolumes(pod, deps);

  const sa = vols.get('kube-api-access-abcde')!;
  assert.equal(sa.hostPath, join(podVolumes, 'kubernetes.io~projected/kube-api-access-abcde'));
  assert.equal(sa.readOnly, true);
  assert.equal(await readFile(join(sa.hostPath, 'token'), 'utf8'), 'token-1');
  assert.equal(await readFile(join(sa.hostPath, 'ca.crt'), 'utf8'), 'CA-PEM');
  assert.equal(await readFile(join(sa.hostPath, 'namespace'), 'utf8'), 'shop');
  assert.deepEqual(requests, [{ ns: 'shop', sa: 'builder', audiences: [], expirationSeconds: 3607, boundPod: { name: 'web', uid: 'uid-1' } }]);
  // fsGroup: token 0600 → 0640, others 0644, group 2000, data dir setgid.
  const tokenSt = await stat(join(sa.hostPath, 'token'));
  assert.equal(tokenSt.mode & 0o777, 0o640);
  assert.equal(tokenSt.gid, 2000);
  assert.equal((await stat(join(sa.hostPath, 'ca.crt'))).mode & 0o777, 0o644);
  assert.equal((await stat(join(sa.hostPath, '..data'))).mode & 0o7777, 0o2755);

  assert.equal(await readFile(join(vols.get('cfg')!.hostPath, 'app.conf'), 'utf8'), 'v1');
  assert.equal(vols.get('creds')!.hostPath, join(podVolumes, 'kubernetes.io~secret/creds'));
  assert.equal(await readFile(join(vols.get('info')!.hostPath, 'labels'), 'utf8'), 'app="web"');
  const scratch = await stat(vols.get('scratch')!.hostPath);
  assert.equal(scratch.mode & 0o7777, 0o2777);
  assert.equal(scratch.gid, 2000);
  assert.ok((await mountPoints()).has(vols.get('ram')!.hostPath));
  assert.equal(vols.get('ram')!.tmpfs, true);
  const data = vols.get('data')!;
  assert.equal(data.hostPath, join(dataDir, 'storage', 'pvc-pvc-uid_shop_bound'));
  assert.equal((await stat(data.hostPath)).mode & 0o777, 0o777);

  // Refresh: a changed ConfigMap swaps ..data; the token is kept until 80% of its lifetime.
  const before = await readlink(join(vols.get('cfg')!.hostPath, '..data'));
  configMaps.set('shop/app-config', { metadata: { name: 'app-config' }, data: { 'app.conf': 'v2' } });
  advance(60);
  assert.deepEqual(await refreshVolumes(pod, deps), []);
  assert.notEqual(await readlink(join(vols.get('cfg')!.hostPath, '..data')), before);
  assert.equal(await readFile(join(vols.get('cfg')!.hostPath, 'app.conf'), 'utf8'), 'v2');
  assert.equal(requests.length, 1);
  advance(2900);
  await refreshVolumes(pod, deps);
  assert.equal(requests.length, 2);
  assert.equal(await readFile(join(sa.hostPath, 'token'), 'utf8'), 'token-2');

  // A refresh failure is reported per volume, leaving the files in place.
  configMaps.delete('shop/app-config');
  const errs = await refreshVolumes(pod, deps);
  assert.deepEqual(errs.map((e) => e.message), ['MountVolume.SetUp failed for volume "cfg" : configmap "app-config" not found']);
  assert.equal(await readFile(join(vols.get('cfg')!.hostPath, 'app.conf'), 'utf8'), 'v2');

  await tearDownVolumes('uid-1', { dataDir, tokens: deps.tokens });
  assert.ok(!(await mountPoints()).has(vols.get('ram')!.hostPath));
  await assert.rejects(lstat(podVolumes));
  // The PV's directory outlives the pod.
  assert.ok((await stat(data.hostPath)).isDirectory());
});

test('set-up errors name the volume, as the kubelet\'s FailedMount events do', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8tD-vm-'));
  t.after(async () => {
    await tearDownVolumes('uid-1', { dataDir }).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });
  const { deps } = fakeDeps(dataDir);
  const only = (v: KubeObject): KubeObject => ({ ...makePod(), spec: { ...(makePod().spec as object), volumes: [v] } });
  const cases: [KubeObject, string][] = [
    [{ name: 'cfg', configMap: { name: 'nope' } }, 'MountVolume.SetUp failed for volume "cfg" : configmap "nope" not found'],
    [{ name: 's', secret: { secretName: 'db' } }, 'MountVolume.SetUp failed for volume "s" : secret "db" not found'],
    [{ name: 'k', configMap: { name: 'app-config', items: [{ key: 'x', path: 'x' }] } }, 'MountVolume.SetUp failed for volume "k" : configmap references non-existent config key: x'],
    [{ name: 'p', projected: { sources: [{ configMap: { name: 'a' } }, { secret: { name: 'b' } }] } }, 'MountVolume.SetUp failed for volume "p" : [configmap "a" not found, secret "b" not found]'],
    [{ name: 'd', persistentVolumeClaim: { claimName: 'pending' } }, 'MountVolume.SetUp failed for volume "d" : error processing PVC shop/pending: PVC is not bound'],
    [{ name: 'h', hostPath: { path: join(dataDir, 'none'), type: 'Directory' } }, `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${join(dataDir, 'none')} is not a directory`],
    [{ name: 'n', nfs: { server: '10.0.0.1', path: '/' } }, 'MountVolume.SetUp failed for volume "n" : volume type nfs is not supported by this node'],
  ];
  for (const [vol, message] of cases) {
    await assert.rejects(setUpVolumes(only(vol), deps), (e: unknown) => {
      assert.ok(e instanceof VolumeSetUpError);
      assert.equal(e.message, message);
      assert.equal(e.volume, vol.name);
      return true;
    });
  }
});
