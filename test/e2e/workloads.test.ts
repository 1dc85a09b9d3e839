// StatefulSet, DaemonSet and CronJob flows on three simulated nodes, driven by the real kubectl
// as a workshop user would: ordered pod identity and storage, one pod per node, scheduled Jobs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Cluster, eventually } from './harness.js';

const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
const names = (out: string) => out.trim().split(/\s+/).filter(Boolean);

// The upstream tutorial's StatefulSet: the container mounts the claim template `www`.
const STS = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels: {app: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80, name: web}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.26
        ports: [{containerPort: 80, name: web}]
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {storage: 1Gi}
`;

const ds = (name: string, nodeSelector?: Record<string, string>) => JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { ...(nodeSelector ? { nodeSelector } : {}), containers: [{ name: 'agent', image: 'busybox', command: ['sleep', 'infinity'] }] },
    },
  },
});

/** One line per pod event from `kubectl get pods -w`: name, phase, Ready, deletionTimestamp, revision. */
interface PodLine { name: string; phase: string; ready: string; deleting: boolean; rev: string }

function watchPods(c: Cluster, selector: string) {
  const tpl = '{.metadata.name}|{.status.phase}|{.status.conditions[?(@.type=="Ready")].status}|{.metadata.deletionTimestamp}|{.metadata.labels.controller-revision-hash}{"\\n"}';
  // -v=6 logs each request's answer on stderr: once the initial list is answered, the watch
  // continues from that list's resourceVersion, so no later change can be missed.
  const child = spawn('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', c.cacheDir, 'get', 'pods', '-l', selector, '-w', '-o', `jsonpath=${tpl}`, '-v=6'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let log = '';
  child.stdout.on('data', (d: Buffer) => (buf += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  return {
    /** Resolves once kubectl's initial list of pods has been answered. */
    listed(): Promise<true> {
      return eventually('the watch to list the pods', async () => /GET https:\/\/\S+\/pods\?\S* 200 OK/.test(log), 20_000);
    },
    lines(): PodLine[] {
      return buf.split('\n').filter(Boolean).map((l) => {
        const [name, phase, ready, del, rev] = l.split('|');
        return { name, phase, ready, deleting: del !== '', rev };
      });
    },
    stop() {
      child.kill();
    },
  };
}

const firstIndex = (lines: PodLine[], pred: (l: PodLine) => boolean) => lines.findIndex(pred);

describe('StatefulSet, DaemonSet and CronJob on simulated nodes', () => {
  const c = new Cluster(['--simulated-nodes', '3', '--lease-duration-seconds', '4']);
  let cronCreatedAt = 0;
  before(() => c.start());
  after(() => c.cleanup());


  test('three simulated nodes are Ready; a every-minute CronJob is created', async () => {
    await eventually('3 Ready nodes', async () => (await c.ok(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => /\sReady\s/.test(l)).length === 3, 30_000);
    // Created first so that its first minute boundary passes while the other flows run.
    assert.equal((await c.ok(['create', 'cronjob', 'hello', '--image=busybox', '--schedule=* * * * *', '--', 'date'])).trim(), 'cronjob.batch/hello created');
    cronCreatedAt = Date.now();
    const cj = rows(await c.ok(['get', 'cronjob', 'hello']));
    assert.deepEqual(cj[0], ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
    assert.deepEqual(cj[1].slice(0, 4), ['hello', '* * * * *', '<none>', 'False']);
    // A minute boundary may fall right after the create: then a Job is already scheduled.
    const [active, last] = cj[1].slice(4, 6);
    assert.ok((active === '0' && last === '<none>') || (/^[01]$/.test(active) && /^\d+s$/.test(last)), `ACTIVE ${active}, LAST SCHEDULE ${last}`);
  });

  test('a StatefulSet creates web-0, web-1, web-2 in order, each after the previous is Ready', async () => {
    const w = watchPods(c, 'app=nginx');
    try {
      await w.listed();
      const out = await c.ok(['apply', '-f', '-'], STS);
      assert.match(out, /service\/nginx created\nstatefulset.apps\/web created/);
      // The default RollingUpdate strategy carries partition 0, so kubectl reports a partitioned roll out.
      assert.match(await c.ok(['rollout', 'status', 'sts', 'web', '--timeout=60s']), /^Waiting for 3 pods to be ready\.\.\.\n(.|\n)*partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
      await eventually('watch sees web-2 Ready', async () => w.lines().filter((l) => l.name === 'web-2' && l.ready === 'True').length > 0, 10_000);
      const lines = w.lines();
      const firstSeen = ['web-0', 'web-1', 'web-2'].map((n) => firstIndex(lines, (l) => l.name === n));
      const readyAt = ['web-0', 'web-1'].map((n) => firstIndex(lines, (l) => l.name === n && l.phase === 'Running' && l.ready === 'True'));
      assert.ok(firstSeen.every((i) => i >= 0), JSON.stringify(lines));
      assert.ok(readyAt[0] >= 0 && readyAt[0] < firstSeen[1], `web-1 appeared before web-0 was Ready: ${JSON.stringify(lines)}`);
      assert.ok(readyAt[1] >= 0 && readyAt[1] < firstSeen[2], `web-2 appeared before web-1 was Ready: ${JSON.stringify(lines)}`);
    } finally {
      w.stop();
    }
    const sts = rows(await c.ok(['get', 'sts', 'web']));
    assert.deepEqual(sts[0], ['NAME', 'READY', 'AGE']);
    assert.deepEqual(sts[1].slice(0, 2), ['web', '3/3']);
    const pods = rows(await c.ok(['get', 'pods', '-l', 'app=nginx', '--sort-by=.metadata.name']));
    assert.deepEqual(pods.slice(1).map((r) => r.slice(0, 3)), [['web-0', '1/1', 'Running'], ['web-1', '1/1', 'Running'], ['web-2', '1/1', 'Running']]);
    // Each pod carries its stable identity: hostname, subdomain and pod-name label.
    assert.equal(await c.ok(['get', 'pod', 'web-1', '-o', 'jsonpath={.spec.hostname} {.spec.subdomain} {.metadata.labels.statefulset\\.kubernetes\\.io/pod-name} {.metadata.labels.apps\\.kubernetes\\.io/pod-index}']), 'web-1 nginx web-1 1');
  });

  test('volumeClaimTemplates create one PVC per pod, mounted by that pod', async () => {
    const pvc = rows(await c.ok(['get', 'pvc']));
    assert.deepEqual(pvc[0], ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
    assert.deepEqual(pvc.slice(1).map((r) => r[0]), ['www-web-0', 'www-web-1', 'www-web-2']);
    assert.equal(await c.ok(['get', 'pod', 'web-2', '-o', 'jsonpath={.spec.volumes[?(@.name=="www")].persistentVolumeClaim.claimName}']), 'www-web-2');
    assert.equal(await c.ok(['get', 'pvc', 'www-web-0', '-o', 'jsonpath={.metadata.labels.app}']), 'nginx');
  });

  test('scaling to 1 removes web-2 before web-1; the PVCs stay', async () => {
    const w = watchPods(c, 'app=nginx');
    try {
      await w.listed();
      assert.equal((await c.ok(['scale', 'sts', 'web', '--replicas=1'])).trim(), 'statefulset.apps/web scaled');
      await eventually('only web-0 left', async () => names(await c.ok(['get', 'pods', '-l', 'app=nginx', '-o', 'name'])).join(' ') === 'pod/web-0', 30_000);
      // The watch may print the deletions after the GET above saw them done.
      const deleting = (n: string) => firstIndex(w.lines(), (l) => l.name === n && l.deleting);
      await eventually('the watch to see both deletions', async () => deleting('web-2') >= 0 && deleting('web-1') >= 0, 10_000).catch(() => undefined);
      const lines = w.lines();
      const del2 = firstIndex(lines, (l) => l.name === 'web-2' && l.deleting);
      const del1 = firstIndex(lines, (l) => l.name === 'web-1' && l.deleting);
      assert.ok(del2 >= 0 && del1 > del2, `web-1 was deleted before web-2: ${JSON.stringify(lines)}`);
    } finally {
      w.stop();
    }
    assert.deepEqual(rows(await c.ok(['get', 'sts', 'web']))[1].slice(0, 2), ['web', '1/1']);
    assert.deepEqual(names(await c.ok(['get', 'pvc', '-o', 'name'])), ['persistentvolumeclaim/www-web-0', 'persistentvolumeclaim/www-web-1', 'persistentvolumeclaim/www-web-2']);
  });

  test('a rolling update replaces pods from the highest ordinal down; history has two revisions', async () => {
    await c.ok(['scale', 'sts', 'web', '--replicas=3']);
    assert.match(await c.ok(['rollout', 'status', 'sts', 'web', '--timeout=60s']), /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
    const oldRev = await c.ok(['get', 'sts', 'web', '-o', 'jsonpath={.status.currentRevision}']);
    const w = watchPods(c, 'app=nginx');
    try {
      await w.listed();
      assert.equal((await c.ok(['set', 'image', 'sts/web', 'nginx=nginx:1.27'])).trim(), 'statefulset.apps/web image updated');
      const status = await c.ok(['rollout', 'status', 'sts/web', '--timeout=60s']);
      assert.match(status, /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
      const newRev = await c.ok(['get', 'sts', 'web', '-o', 'jsonpath={.status.updateRevision}']);
      assert.notEqual(newRev, oldRev);
      await eventually('currentRevision to catch up', async () => (await c.ok(['get', 'sts', 'web', '-o', 'jsonpath={.status.currentRevision}'])) === newRev, 10_000);
      await eventually('the watch to see the three replacements', async () => ['web-2', 'web-1', 'web-0'].every((n) => firstIndex(w.lines(), (l) => l.name === n && l.deleting) >= 0), 10_000).catch(() => undefined);
      const lines = w.lines();
      const updated = ['web-2', 'web-1', 'web-0'].map((n) => firstIndex(lines, (l) => l.name === n && l.deleting));
      assert.ok(updated[0] >= 0 && updated[0] < updated[1] && updated[1] < updated[2], `pods were not replaced from the highest ordinal: ${JSON.stringify(lines)}`);
    } finally {
      w.stop();
    }
    assert.equal(await c.ok(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image} {end}']), 'nginx:1.27 nginx:1.27 nginx:1.27 ');
    // One event per deletion: web-2 and web-1 went at the scale-down and again in the update.
    const deletes = await c.ok(['get', 'events', '--field-selector', 'reason=SuccessfulDelete,involvedObject.kind=StatefulSet', '-o', 'jsonpath={range .items[*]}{.message}={.count}{"\\n"}{end}']);
    assert.deepEqual(deletes.trim().split('\n').sort(), ['delete Pod web-0 in StatefulSet web successful=1', 'delete Pod web-1 in StatefulSet web successful=2', 'delete Pod web-2 in StatefulSet web successful=2']);
    const history = await c.ok(['rollout', 'history', 'sts/web']);
    assert.match(history, /^statefulset.apps\/web \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    const rev1 = await c.ok(['rollout', 'history', 'sts/web', '--revision=1']);
    assert.match(rev1, /Image:\s+nginx:1\.26/);
    assert.match(await c.ok(['get', 'controllerrevisions', '-o', 'name']), /controllerrevision.apps\/web-[a-z0-9]+\ncontrollerrevision.apps\/web-[a-z0-9]+/);
  });

  test('a DaemonSet runs one pod per node; a nodeSelector narrows it to one node', async () => {
    await c.ok(['apply', '-f', '-'], ds('agent'));
    assert.match(await c.ok(['rollout', 'status', 'ds/agent', '--timeout=60s']), /daemon set "agent" successfully rolled out/);
    const dsRows = rows(await c.ok(['get', 'ds', 'agent']));
    assert.deepEqual(dsRows[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    assert.deepEqual(dsRows[1].slice(0, 7), ['agent', '3', '3', '3', '3', '3', '<none>']);
    const nodesOfPods = names(await c.ok(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}'])).sort();
    const nodes = names(await c.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).sort();
    assert.deepEqual(nodesOfPods, nodes);

    const target = nodes[1];
    await c.ok(['apply', '-f', '-'], ds('picky', { 'kubernetes.io/hostname': target }));
    assert.match(await c.ok(['rollout', 'status', 'ds/picky', '--timeout=60s']), /daemon set "picky" successfully rolled out/);
    const picky = rows(await c.ok(['get', 'ds', 'picky']));
    assert.deepEqual(picky[1].slice(0, 7), ['picky', '1', '1', '1', '1', '1', `kubernetes.io/hostname=${target}`]);
    assert.equal(await c.ok(['get', 'pods', '-l', 'app=picky', '-o', 'jsonpath={.items[*].spec.nodeName}']), target);

    // Labelling another node makes it eligible too.
    await c.ok(['label', 'node', nodes[2], 'role=edge']);
    await c.ok(['patch', 'ds', 'picky', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/nodeSelector', value: { role: 'edge' } }])]);
    assert.match(await c.ok(['rollout', 'status', 'ds/picky', '--timeout=60s']), /successfully rolled out/);
    await eventually('picky pod moved to the edge node', async () => (await c.ok(['get', 'pods', '-l', 'app=picky', '-o', 'jsonpath={.items[*].spec.nodeName}'])) === nodes[2], 30_000);
    assert.match(await c.ok(['rollout', 'history', 'ds/picky']), /^daemonset.apps\/picky \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    // Events are recorded (and their counts bumped) apart from the objects: await the expected counts.
    let dsEvents = '';
    const total = (ds: string, reason: string) => dsEvents.trim().split('\n').map((l) => l.split(' ')).filter(([n, r]) => n === ds && r === reason).reduce((a, [, , n]) => a + Number(n), 0);
    const totals = () => [total('agent', 'SuccessfulCreate'), total('picky', 'SuccessfulCreate'), total('picky', 'SuccessfulDelete')];
    await eventually('the DaemonSet events', async () => {
      dsEvents = await c.ok(['get', 'events', '--field-selector', 'involvedObject.kind=DaemonSet', '-o', 'jsonpath={range .items[*]}{.involvedObject.name} {.reason} {.count}{"\\n"}{end}']);
      return totals().join() === '3,2,1';
    }, 15_000).catch(() => undefined);
    assert.deepEqual(totals(), [3, 2, 1], dsEvents);
  });

  test('a Job created from the CronJob completes; history limits prune finished Jobs', async () => {
    assert.equal((await c.ok(['create', 'job', 'manual-1', '--from=cronjob/hello'])).trim(), 'job.batch/manual-1 created');
    assert.equal((await c.ok(['wait', '--for=condition=complete', 'job/manual-1', '--timeout=30s'])).trim(), 'job.batch/manual-1 condition met');
    assert.match(await c.ok(['get', 'job', 'manual-1']), /manual-1\s+Complete\s+1\/1/);
    assert.equal(await c.ok(['get', 'job', 'manual-1', '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}']), 'CronJob/hello');

    await c.ok(['patch', 'cronjob', 'hello', '--type=merge', '-p', '{"spec":{"successfulJobsHistoryLimit":1}}']);
    await c.ok(['create', 'job', 'manual-2', '--from=cronjob/hello']);
    await c.ok(['wait', '--for=condition=complete', 'job/manual-2', '--timeout=30s']);
    // The every-minute schedule may finish a newer Job meanwhile, which then prunes manual-2 too:
    // what must hold is that manual-1 goes and exactly one finished Job stays.
    await eventually('the older finished Job to be pruned', async () => {
      const jobs = rows(await c.ok(['get', 'jobs', '-o', 'jsonpath={range .items[*]}{.metadata.name}  {.status.succeeded}{"\\n"}{end}']));
      return !jobs.some(([name]) => name === 'manual-1') && jobs.filter(([, succeeded]) => succeeded === '1').length === 1;
    }, 20_000);
    // Back to the default, so the next test's scheduled Job is not pruned by a newer one.
    await c.ok(['patch', 'cronjob', 'hello', '--type=merge', '-p', '{"spec":{"successfulJobsHistoryLimit":3}}']);
  });

  test('the every-minute schedule creates a Job; kubectl shows LAST SCHEDULE', async () => {
    const scheduled = async () => names(await c.ok(['get', 'jobs', '-o', 'name'])).filter((n) => /^job\.batch\/hello-\d+$/.test(n));
    // The first minute boundary after creation, plus slack for the controller and kubectl.
    await eventually('a scheduled Job', async () => (await scheduled()).length > 0, Math.max(5_000, cronCreatedAt + 75_000 - Date.now()));
    // Names sort by minute: the newest is the last (an older one may be pruned by history limits).
    const job = (await scheduled()).at(-1)!;
    // Upstream names scheduled Jobs after the scheduled time in minutes since the epoch.
    const minutes = Number(job.split('-').pop());
    assert.ok(Math.abs(minutes * 60_000 - Date.now()) < 120_000, `job name ${job} is not a recent minute`);
    // The controller records lastScheduleTime after it creates the Job.
    const last = await eventually('LAST SCHEDULE', async () => {
      const s = rows(await c.ok(['get', 'cronjob', 'hello']))[1][5];
      return s !== '<none>' && s;
    }, 15_000);
    assert.match(last, /^\d+s$/);
    await c.ok(['wait', '--for=condition=complete', job, '--timeout=30s']);
    await eventually('lastSuccessfulTime', async () => (await c.ok(['get', 'cronjob', 'hello', '-o', 'jsonpath={.status.lastSuccessfulTime}'])) !== '', 15_000);
  });
});
