// Workshop sections 1, 3, 6 and 7 with real pods: `k8ts server` runs its node agent (runc, a pod
// network namespace on a bridge, images from a loopback registry mirroring docker.io with
// stand-in images built from Debian packages) and the real kubectl drives it.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, eventually, ROOT } from './harness.js';
import { TWO_CONTAINER_POD } from './workshop-pod.js';

const KUBE = join(ROOT, '..', 'shared', 'workshop', 'kube');

describe('real pods on the node agent (workshop sections 1, 3, 6, 7)', () => {
  const c = new Cluster([], undefined, { agent: true, images: true });
  before(() => c.start());
  after(() => c.cleanup());

  const jsonpath = (kind: string, name: string, path: string) => c.ok(['get', kind, name, '-o', `jsonpath=${path}`]);
  const row = async (pod: string) => (await c.ok(['get', 'pod', pod, '--no-headers'])).trim().split(/\s{2,}/);
  const apply = (yaml: string) => c.ok(['apply', '-f', '-'], yaml);

  test('the node registers Ready with the runtime it runs', async () => {
    const line = await eventually('a Ready node', async () => {
      const out = await c.ok(['get', 'nodes', '-o', 'wide', '--no-headers']);
      return /\sReady\s/.test(out) && out;
    });
    assert.match(line, /127\.0\.0\.1/);
    assert.match(line, /runc:\/\/1\.1\.\d+/);
  });

  test('section 1: two containers share localhost; kubectl exec reaches nginx from the sidecar', async () => {
    await c.ok(['create', '-f', '-'], TWO_CONTAINER_POD);
    await eventually('nginx 2/2 Running', async () => {
      const r = await row('nginx');
      return r[1] === '2/2' && r[2] === 'Running';
    });
    // nginx has no readiness probe: Running says its process started, not that it listens yet.
    const page = await eventually('nginx answers on localhost', async () => {
      const r = await c.kubectl(['exec', 'nginx', '--container=sidecar', '--', 'wget', '-qO-', 'http://localhost:80/']);
      return r.code === 0 && r.stdout;
    }, 20_000);
    assert.match(page, /Welcome to nginx!/);
    // A remote exit code comes back as kubectl's own.
    const failed = await c.kubectl(['exec', 'nginx', '-c', 'sidecar', '--', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3);
    // -it through a real terminal (util-linux script gives kubectl a pty).
    const tty = await new Promise<string>((res, rej) => {
      const cmd = `kubectl --kubeconfig ${c.kubeconfig} --cache-dir ${c.cacheDir} exec -it nginx -c sidecar -- sh -c 'tty; wget -qO- http://127.0.0.1/ | grep -o "<h1>.*</h1>"'`;
      execFile('script', ['-qec', cmd, '/dev/null'], { timeout: 30_000 }, (err, stdout) => (err ? rej(err) : res(stdout)));
    });
    assert.match(tty, /\/dev\/pts\/\d+/);
    assert.match(tty, /^<h1>Welcome to nginx!<\/h1>\r?$/m);
    // Status as upstream writes it.
    assert.equal(await jsonpath('pod', 'nginx', '{.status.conditions[?(@.type=="Ready")].status}'), 'True');
    assert.match(await jsonpath('pod', 'nginx', '{.status.podIP}'), /^10\.2\d\d\.\d+\.\d+$/);
    assert.match(await jsonpath('pod', 'nginx', '{.status.containerStatuses[0].imageID}'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(await jsonpath('pod', 'nginx', '{.status.containerStatuses[0].containerID}'), /^runc:\/\/[0-9a-f]{64}$/);
  });

  test('logs -f, attach, cp and port-forward through the API server', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  containers:
  - name: c
    image: busybox
    stdin: true
    command: [sh, -c, "echo hello; while read line; do echo got:$line; done"]
`);
    await eventually('talker Running', async () => (await row('talker'))[2] === 'Running');
    // attach: stdin goes to the container's main process, its output comes back.
    const attached = await c.kubectl(['attach', '-i', 'talker', '-c', 'c'], { stdin: 'one\ntwo\n', timeoutMs: 20_000 });
    assert.match(attached.stdout, /got:one\s+got:two/);
    // The log file is written by the container's monitor, apart from the attach stream.
    await eventually('the log has both lines', async () => (await c.ok(['logs', 'talker'])).includes('got:two'), 20_000);
    const logs = await c.ok(['logs', 'talker', '--tail=2']);
    assert.deepEqual(logs.trim().split('\n'), ['got:one', 'got:two']);
    // logs -f follows new lines until stopped.
    const follow = execFile('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', c.cacheDir, 'logs', '-f', 'talker']);
    let followed = '';
    follow.stdout!.on('data', (d: Buffer) => (followed += d.toString()));
    await eventually('logs -f prints the history', async () => followed.includes('got:two'), 20_000);
    await c.kubectl(['attach', '-i', 'talker'], { stdin: 'three\n', timeoutMs: 20_000 });
    await eventually('logs -f prints a new line', async () => followed.includes('got:three'), 20_000);
    follow.kill();
    // cp both ways (kubectl cp runs tar in the container).
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-cp-'));
    try {
      writeFileSync(join(dir, 'in.txt'), 'copied in\n');
      await c.ok(['cp', join(dir, 'in.txt'), 'talker:/tmp/in.txt']);
      assert.equal((await c.ok(['exec', 'talker', '--', 'cat', '/tmp/in.txt'])), 'copied in\n');
      await c.ok(['cp', 'talker:/tmp/in.txt', join(dir, 'out.txt')]);
      assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'copied in\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // port-forward: a local port on 127.0.0.1 reaches nginx's port 80 inside the pod.
    const pf = execFile('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', c.cacheDir, 'port-forward', 'pod/nginx', ':80']);
    let pfOut = '';
    pf.stdout!.on('data', (d: Buffer) => (pfOut += d.toString()));
    try {
      const port = await eventually('port-forward listening', async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(pfOut)?.[1], 20_000);
      const page = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      assert.match(page, /Welcome to nginx!/);
    } finally {
      pf.kill();
    }
  });

  test('volumes: a shared emptyDir, configMap and secret files, and a StatefulSet claim on local-path', async () => {
    await apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {greeting: hello from a configmap}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: vols}
spec:
  volumes:
  - {name: shared, emptyDir: {}}
  - {name: settings, configMap: {name: settings}}
  - {name: creds, secret: {secretName: creds, defaultMode: 0400}}
  containers:
  - name: writer
    image: busybox
    command: [sh, -c, "echo from-writer > /shared/note; sleep 3600"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: reader
    image: busybox
    command: [sleep, "3600"]
    volumeMounts:
    - {name: shared, mountPath: /data}
    - {name: settings, mountPath: /etc/settings}
    - {name: creds, mountPath: /etc/creds, readOnly: true}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: c
        image: busybox
        command: [sh, -c, "date >> /var/lib/db/boots; sleep 3600"]
        volumeMounts: [{name: data, mountPath: /var/lib/db}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`);
    await eventually('vols 2/2', async () => (await row('vols'))[1] === '2/2');
    await eventually('the writer wrote', async () => (await c.kubectl(['exec', 'vols', '-c', 'reader', '--', 'cat', '/data/note'])).stdout === 'from-writer\n');
    assert.equal(await c.ok(['exec', 'vols', '-c', 'reader', '--', 'cat', '/etc/settings/greeting']), 'hello from a configmap');
    assert.equal(await c.ok(['exec', 'vols', '-c', 'reader', '--', 'cat', '/etc/creds/password']), 's3cret');
    assert.match(await c.ok(['exec', 'vols', '-c', 'reader', '--', 'ls', '-lL', '/etc/creds/password']), /^-r-------- /);
    await eventually('db-0 Running', async () => (await c.kubectl(['get', 'pod', 'db-0', '--no-headers'])).stdout.includes('Running'));
    assert.match(await c.ok(['get', 'pvc', 'data-db-0', '--no-headers']), /^data-db-0\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+local-path/);
    // The claim's data survives the pod: a new db-0 sees the first boot's line.
    await c.ok(['delete', 'pod', 'db-0', '--grace-period=1']);
    await eventually('db-0 back', async () => (await c.kubectl(['get', 'pod', 'db-0', '--no-headers'])).stdout.includes('Running'));
    await eventually('two boots recorded', async () => (await c.kubectl(['exec', 'db-0', '--', 'cat', '/var/lib/db/boots'])).stdout.trim().split('\n').length === 2);
  });

  test('section 3: a ReplicaSet of real pods replaces a deleted one; the Job logs "we love kube <3"', async () => {
    await c.ok(['apply', '-f', join(KUBE, 'replicaset-demo.yml')]);
    const running = async () => (await c.ok(['get', 'pods', '-l', 'app=replicaset-demo', '--field-selector', 'status.phase=Running', '-o', 'name'])).trim().split('\n').filter(Boolean);
    const pods = await eventually('3 running replicas', async () => {
      const p = await running();
      return p.length === 3 && p;
    });
    await c.ok(['delete', pods[0], '--wait=false']);
    await eventually('a replacement', async () => {
      const now = await running();
      return now.length === 3 && !now.includes(pods[0]);
    });
    await c.ok(['apply', '-f', join(KUBE, 'job-demo.yml')]);
    assert.equal((await c.ok(['wait', '--for=condition=complete', 'job/demo-job', '--timeout=60s'])).trim(), 'job.batch/demo-job condition met');
    assert.equal((await c.ok(['logs', 'job/demo-job'])).trim(), 'we love kube <3');
    const pod = (await c.ok(['get', 'pods', '-l', 'job-name=demo-job', '-o', 'name'])).trim();
    assert.equal((await c.ok(['logs', pod, '--timestamps'])).trim().split(' ').slice(1).join(' '), 'we love kube <3');
    assert.equal((await row(pod.replace('pod/', '')))[2], 'Completed');
  });

  test('section 6: securityContext is enforced and the service account files are mounted', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: locked}
spec:
  securityContext: {runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true}
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Pod
metadata: {name: rootimage}
spec:
  securityContext: {runAsNonRoot: true}
  containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
`);
    await eventually('locked Running', async () => (await row('locked'))[2] === 'Running');
    assert.equal((await c.ok(['exec', 'locked', '--', 'id'])).trim(), 'uid=1000(app) gid=1000(app) groups=1000(app)');
    const write = await c.kubectl(['exec', 'locked', '--', 'touch', '/newfile']);
    assert.notEqual(write.code, 0);
    assert.match(write.stderr + write.stdout, /Read-only file system/);
    assert.match(await c.ok(['exec', 'locked', '--', 'grep', 'CapEff', '/proc/self/status']), /CapEff:\s+0000000000000000/);
    assert.match(await c.ok(['exec', 'locked', '--', 'grep', 'NoNewPrivs', '/proc/self/status']), /NoNewPrivs:\s+1/);
    // A root image under runAsNonRoot never starts, with upstream's message.
    const waiting = await eventually('CreateContainerConfigError', async () => {
      const w = await jsonpath('pod', 'rootimage', '{.status.containerStatuses[0].state.waiting.reason}:{.status.containerStatuses[0].state.waiting.message}');
      return w.startsWith('CreateContainerConfigError:') && w;
    });
    assert.match(waiting, /container has runAsNonRoot and image will run as root \(pod: "rootimage_default\([0-9a-f-]+\)", container: c\)/);
    // The service account's token, namespace and CA; the token authenticates, RBAC forbids.
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    assert.equal((await c.ok(['exec', 'locked', '--', 'cat', `${sa}/namespace`])).trim(), 'default');
    assert.match(await c.ok(['exec', 'locked', '--', 'cat', `${sa}/ca.crt`]), /BEGIN CERTIFICATE/);
    const token = (await c.ok(['exec', 'locked', '--', 'cat', `${sa}/token`])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string; 'kubernetes.io': { pod: { name: string } } };
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.equal(claims['kubernetes.io'].pod.name, 'locked');
    const forbidden = await c.raw('GET', '/api/v1/namespaces/default/pods', undefined, { authorization: `Bearer ${token}` }, false);
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body, /User \\"system:serviceaccount:default:default\\" cannot list resource \\"pods\\"/);
  });

  test('section 7: liveness probes restart, readiness gates the endpoints', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: live-exec}
spec:
  containers:
  - name: c
    image: busybox
    command: [sh, -c, "touch /tmp/healthy; sleep 4; rm /tmp/healthy; sleep 3600"]
    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: live-http}
spec:
  containers:
  - name: c
    image: nginx:alpine
    livenessProbe: {httpGet: {path: /missing, port: 80}, periodSeconds: 1, failureThreshold: 2}
---
apiVersion: v1
kind: Pod
metadata: {name: ready-tcp, labels: {app: gated}}
spec:
  containers:
  - name: c
    image: akalipetis/headers
    ports: [{containerPort: 8000, name: web}]
    livenessProbe: {tcpSocket: {port: 8000}, periodSeconds: 1}
    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: gated}
spec:
  selector: {app: gated}
  ports: [{port: 80, targetPort: web}]
`);
    await eventually('live-exec restarted', async () => Number(await jsonpath('pod', 'live-exec', '{.status.containerStatuses[0].restartCount}')) >= 1, 60_000);
    await eventually('live-http restarted', async () => Number(await jsonpath('pod', 'live-http', '{.status.containerStatuses[0].restartCount}')) >= 1, 60_000);
    // Events are recorded apart from the status the restart count came from.
    const unhealthy = /Unhealthy\s+Liveness probe failed: HTTP probe failed with statuscode: 404/;
    const killing = /Killing\s+Container c failed liveness probe, will be restarted/;
    const events = await eventually('the probe events', async () => {
      const e = await c.ok(['get', 'events', '--field-selector', 'involvedObject.name=live-http', '-o', 'custom-columns=R:.reason,M:.message', '--no-headers']);
      return unhealthy.test(e) && killing.test(e) && e;
    }, 20_000);
    assert.match(events, unhealthy);
    assert.match(events, killing);
    // The tcp liveness probe passes (no restarts); readiness holds the pod out of the endpoints.
    await eventually('ready-tcp Running', async () => (await row('ready-tcp'))[2] === 'Running');
    assert.equal((await row('ready-tcp'))[1], '0/1');
    // The endpoints controller writes after it sees the pod's IP, not with the pod's status.
    const notReady = await eventually('the address is not ready in the endpoints', async () => (await c.kubectl(['get', 'endpoints', 'gated', '-o', 'jsonpath={.subsets[0].notReadyAddresses[0].ip}'])).stdout, 20_000);
    assert.match(notReady, /^10\./);
    await c.ok(['exec', 'ready-tcp', '--', 'touch', '/tmp/ready']);
    await eventually('ready-tcp Ready', async () => (await row('ready-tcp'))[1] === '1/1');
    await eventually('the address is ready in the endpoints', async () => (await jsonpath('endpoints', 'gated', '{.subsets[0].addresses[0].ip}')) === notReady);
    assert.equal(await jsonpath('pod', 'ready-tcp', '{.status.containerStatuses[0].restartCount}'), '0');
    // The stand-in headers server answers with the request's headers, from inside the pod's network.
    assert.match(await c.ok(['exec', 'ready-tcp', '--', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\nX-Workshop: yes\\r\\n\\r\\n" | nc 127.0.0.1 8000']), /X-Workshop: yes/i);
  });

  test('init containers run first (Init:0/1), env comes from fields, resources and ConfigMaps, SPDY exec still works', async () => {
    await apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: env-source}
data: {COLOR: blue}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: staged}
spec:
  replicas: 1
  selector: {matchLabels: {app: staged}}
  template:
    metadata: {labels: {app: staged}}
    spec:
      volumes: [{name: work, emptyDir: {}}]
      initContainers:
      - name: prepare
        image: busybox
        command: [sh, -c, "sleep 10; echo prepared > /work/state"]
        volumeMounts: [{name: work, mountPath: /work}]
      containers:
      - name: app
        image: busybox
        command: [sh, -c, "echo \\"state=$(cat /work/state) pod=$POD_NAME color=$COLOR mem=$MEM_LIMIT greeting=$GREETING\\"; sleep 3600"]
        resources: {limits: {memory: 64Mi}}
        env:
        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: MEM_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
        - {name: GREETING, value: "hello $(COLOR)"}
        envFrom: [{configMapRef: {name: env-source}}]
        volumeMounts: [{name: work, mountPath: /work}]
`);
    const pod = await eventually('the staged pod', async () => (await c.ok(['get', 'pods', '-l', 'app=staged', '-o', 'name'])).trim().replace('pod/', '') || undefined);
    // The init container sleeps 10 s: long enough for slow kubectl polls to see Init:0/1.
    await eventually('Init:0/1', async () => (await row(pod))[2] === 'Init:0/1', 20_000);
    await eventually('Running', async () => (await row(pod))[2] === 'Running');
    const line = `state=prepared pod=${pod} color=blue mem=64 greeting=hello blue`;
    assert.equal((await c.ok(['logs', 'deploy/staged'])).trim(), line);
    assert.equal((await c.ok(['logs', '-l', 'app=staged', '-c', 'app', '--since=1h'])).trim(), line);
    assert.equal((await c.ok(['logs', pod, '-c', 'prepare'])).trim(), '');
    assert.equal((await c.ok(['logs', pod, '-c', 'app', '--since-time=2999-01-01T00:00:00Z'])).trim(), '');
    assert.equal(await jsonpath('pod', pod, '{.status.initContainerStatuses[0].state.terminated.reason}'), 'Completed');
    // kubectl's SPDY/3.1 path (the one older clients use).
    const spdy = await new Promise<string>((res, rej) => execFile('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', c.cacheDir, 'exec', pod, '--', 'cat', '/work/state'], { env: { ...process.env, KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } }, (err, out) => (err ? rej(err) : res(out))));
    assert.equal(spdy, 'prepared\n');
  });

  test('failures show as upstream: CrashLoopBackOff with growing back-off, OOMKilled, ImagePullBackOff', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers: [{name: c, image: busybox, command: [sh, -c, "echo boom; exit 1"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox, command: [sh, -c, "x=a; while true; do x=$x$x; done"], resources: {limits: {memory: 32Mi}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: badimage}
spec:
  containers: [{name: c, image: akalipetis/headers-does-not-exist}]
`);
    // The crasher first: its first back-off message lasts only that back-off (10 s). A slow poll may
    // see the next one; either way the back-off must then double.
    const first = await eventually('CrashLoopBackOff', async () => {
      const m = await jsonpath('pod', 'crasher', '{.status.containerStatuses[0].state.waiting.message}');
      return m.includes('back-off') && m;
    });
    const seconds = /^back-off (10|20)s restarting failed container=c pod=crasher_default\([0-9a-f-]+\)$/.exec(first)?.[1];
    assert.ok(seconds, `unexpected first back-off: ${first}`);
    await eventually('back-off doubled', async () => (await jsonpath('pod', 'crasher', '{.status.containerStatuses[0].state.waiting.message}')).startsWith(`back-off ${Number(seconds) * 2}s`), 90_000);
    assert.ok(Number(await jsonpath('pod', 'crasher', '{.status.containerStatuses[0].restartCount}')) >= 2);
    assert.equal((await c.ok(['logs', 'crasher', '--previous'])).trim(), 'boom');
    assert.equal(await jsonpath('pod', 'crasher', '{.status.containerStatuses[0].lastState.terminated.reason}'), 'Error');
    await eventually('hog OOMKilled', async () => (await row('hog'))[2] === 'OOMKilled');
    assert.equal(await jsonpath('pod', 'hog', '{.status.containerStatuses[0].state.terminated.exitCode}'), '137');
    // Each pull retry flips the reason back to ErrImagePull: read reason and message together.
    const pull = await eventually('ImagePullBackOff', async () => {
      const w = await jsonpath('pod', 'badimage', '{.status.containerStatuses[0].state.waiting.reason}:{.status.containerStatuses[0].state.waiting.message}');
      return w.startsWith('ImagePullBackOff:') && w;
    });
    assert.match(pull, /^ImagePullBackOff:Back-off pulling image "akalipetis\/headers-does-not-exist"$/);
  });
});
