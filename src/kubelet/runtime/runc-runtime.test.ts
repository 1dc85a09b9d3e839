// Integration tests of RuncRuntime against the real runc and conmon (root). The image is a stand-in
// built from the host's static busybox; the pod network is loopback only.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerConfig, ContainerStatus, PodSandboxConfig } from '../cri/types.js';
import { RuncRuntime } from './runc-runtime.js';
import { ExecTimeoutError } from './streams.js';
import {
  checkPreconditions, cleanupTestEnv, containerConfig, imagesStub, LoopbackNetwork, makeTestEnv, sandboxConfig, type TestEnv,
} from './testing.js';

const IMG = 'test/busybox:1';
const IMG_ENTRY = 'test/entry:1';
const IMG_STOP = 'test/stop:1';
const IMG_TWO = 'test/two:1';

describe('RuncRuntime (runc + conmon)', () => {
  checkPreconditions();
  const env: TestEnv = makeTestEnv();
  const net = new LoopbackNetwork(env.netPrefix);
  const images = imagesStub(env.layer, {
    [IMG]: { cmd: ['sh'], env: ['PATH=/bin', 'FROM_IMAGE=img', 'OVER=image'], workingDir: '/' },
    [IMG_STOP]: { cmd: ['sh'], env: ['PATH=/bin'], stopSignal: 'SIGUSR1' },
    [IMG_ENTRY]: { entrypoint: ['sh', '-c'], cmd: ['echo from-cmd'], env: ['PATH=/bin'], workingDir: '/www', user: 'app' },
    [IMG_TWO]: { cmd: ['cat', '/www/index.html'], env: ['PATH=/bin'] },
  }, { [IMG_TWO]: [join(env.tmp, 'layer2')] });
  mkdirSync(join(env.tmp, 'layer2', 'www'), { recursive: true });
  writeFileSync(join(env.tmp, 'layer2', 'www', 'index.html'), 'from the upper layer\n');
  const newRuntime = (): RuncRuntime => new RuncRuntime({
    stateDir: env.stateDir, images, network: net, runDir: env.runDir, runcRoot: env.runcRoot,
  });
  let rt = newRuntime();
  let sbId = '';
  let sbCfg: PodSandboxConfig;
  const times: Record<string, number> = {};

  const logDir = join(env.tmp, 'pods', 'p1', 'logs');

  async function runContainer(cfg: ContainerConfig, sandboxId = sbId, sc: PodSandboxConfig = sbCfg): Promise<string> {
    const id = await rt.createContainer(sandboxId, cfg, sc);
    await rt.startContainer(id);
    return id;
  }
  async function waitExited(id: string, ms = 5000): Promise<ContainerStatus> {
    const end = Date.now() + ms;
    for (;;) {
      const st = await rt.containerStatus(id);
      assert.ok(st, `container ${id} vanished`);
      if (st.state === 'CONTAINER_EXITED') return st;
      if (Date.now() > end) assert.fail(`container ${st.metadata.name} still ${st.state}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  function logLines(id: string, st: ContainerStatus): string[] {
    void id;
    return readFileSync(st.logPath, 'utf8').split('\n').filter(Boolean);
  }
  /** Polls a file until check passes (a missing file counts as empty): containers run at their own pace. */
  async function waitForFile(path: string, check: (text: string) => boolean, what: string, ms = 10_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        // not written yet
      }
      if (check(text)) return text;
      if (Date.now() > end) assert.fail(`timed out waiting for ${what} in ${path}: ${JSON.stringify(text.slice(-300))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const logText = (st: ContainerStatus): string => logLines(st.id, st).map((l) => l.split(' ').slice(3).join(' ')).join('\n');

  before(async () => {
    sbCfg = sandboxConfig('pod1', logDir, `${env.cgroupParentBase}/pod1`, { hostAliases: [{ ip: '10.1.2.3', hostnames: ['db'] }] });
    const t0 = performance.now();
    sbId = await rt.runPodSandbox(sbCfg);
    times.sandboxCreate = performance.now() - t0;
  });

  after(async () => {
    try {
      for (const c of await rt.listContainers()) await rt.removeContainer(c.id).catch(() => undefined);
      for (const s of await rt.listPodSandbox()) await rt.removePodSandbox(s.id).catch(() => undefined);
    } finally {
      await cleanupTestEnv(env, net);
    }
    console.log('runtime timings (ms):', JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v * 10) / 10]))));
  });

  test('sandbox: ready, 64-hex id, netns path, pod files', async () => {
    assert.match(sbId, /^[0-9a-f]{64}$/);
    const st = await rt.podSandboxStatus(sbId);
    assert.equal(st?.state, 'SANDBOX_READY');
    assert.equal(st?.netnsPath, `/var/run/netns/${net.name(sbId)}`);
    assert.deepEqual((await rt.listPodSandbox({ labelSelector: { app: 'pod1' } })).map((s) => s.id), [sbId]);
    assert.deepEqual(await rt.listPodSandbox({ labelSelector: { app: 'other' } }), []);
  });

  test('two containers share localhost, hostname and pod files; execSync', async () => {
    const t0 = performance.now();
    const a = await rt.createContainer(sbId, containerConfig('web', IMG, { command: ['httpd', '-f', '-p', '80', '-h', '/www'] }), sbCfg);
    await rt.startContainer(a);
    times.containerCreateToRunning = performance.now() - t0;
    const b = await runContainer(containerConfig('side', IMG, { command: ['sleep', '3600'] }));
    assert.equal((await rt.containerStatus(a))?.state, 'CONTAINER_RUNNING');
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      const r = await rt.execSync(b, ['wget', '-qO-', 'http://127.0.0.1:80/'], 5);
      if (r.exitCode === 0) body = r.stdout.toString();
      else await new Promise((res) => setTimeout(res, 20));
    }
    assert.equal(body, 'hello from k8ts runtime test\n');
    const h = await rt.execSync(b, ['sh', '-c', 'hostname; cat /etc/hostname; cat /etc/resolv.conf; cat /etc/hosts'], 5);
    const out = h.stdout.toString();
    assert.match(out, /^pod1\npod1\n/);
    assert.match(out, /nameserver 10\.96\.0\.10\n/);
    assert.match(out, /# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
    assert.match(out, /10\.1\.2\.3\tdb\n/);
    // The pod-level /dev/shm is one tmpfs for all its containers.
    assert.equal((await rt.execSync(a, ['sh', '-c', 'echo shared > /dev/shm/x'], 5)).exitCode, 0);
    assert.equal((await rt.execSync(b, ['cat', '/dev/shm/x'], 5)).stdout.toString(), 'shared\n');
    const e = await rt.execSync(b, ['sh', '-c', 'echo out; echo err >&2; exit 7'], 5);
    assert.deepEqual([e.stdout.toString(), e.stderr.toString(), e.exitCode], ['out\n', 'err\n', 7]);
  });

  test('env, args, workingDir, image entrypoint/cmd/user; exit codes and reasons; CRI log lines', async () => {
    const [c1, c2, c3, c4, c5] = await Promise.all([
      runContainer(containerConfig('env', IMG, {
        command: ['sh', '-c', 'echo "$FROM_IMAGE $OVER $MINE $HOSTNAME $HOME"; pwd; echo to-stderr >&2'],
        workingDir: '/tmp/work',
        envs: [{ key: 'OVER', value: 'pod' }, { key: 'MINE', value: 'x y' }],
      })),
      runContainer(containerConfig('three', IMG, { command: ['sh', '-c', 'exit 3'] })),
      runContainer(containerConfig('entry', IMG_ENTRY)),
      runContainer(containerConfig('entryargs', IMG_ENTRY, { args: ['id -u; pwd'] })),
      runContainer(containerConfig('twolayers', IMG_TWO)),
    ]);
    assert.equal(logText(await waitExited(c5)), 'from the upper layer');
    const s1 = await waitExited(c1);
    assert.deepEqual([s1.exitCode, s1.reason], [0, 'Completed']);
    const lines = logLines(c1, s1);
    assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d) stdout F img pod x y pod1 \/root$/);
    assert.ok(lines.some((l) => / stdout F \/tmp\/work$/.test(l)));
    assert.ok(lines.some((l) => / stderr F to-stderr$/.test(l)));
    const s2 = await waitExited(c2);
    assert.deepEqual([s2.exitCode, s2.reason, s2.state], [3, 'Error', 'CONTAINER_EXITED']);
    assert.ok(s2.finishedAt >= s2.startedAt && s2.startedAt >= s2.createdAt && s2.createdAt > 0n);
    assert.equal(logText(await waitExited(c3)), 'from-cmd');
    assert.equal(logText(await waitExited(c4)), '1000\n/www');
  });

  test('stop: SIGTERM honoured quickly; PID 1 ignoring it gets SIGKILL after the grace period', async () => {
    const [polite, usr1, stubborn] = await Promise.all([
      runContainer(containerConfig('polite', IMG, { command: ['sh', '-c', 'trap "exit 0" TERM; echo ready; while true; do sleep 0.05; done'] })),
      runContainer(containerConfig('usr1', IMG_STOP, { command: ['sh', '-c', 'trap "exit 5" USR1; echo ready; while true; do sleep 0.05; done'] })),
      runContainer(containerConfig('stubborn', IMG, { command: ['sleep', '3600'] })),
    ]);
    // A signal before the trap is installed would kill sh instead: wait until each says so.
    for (const id of [polite, usr1]) await waitForFile((await rt.containerStatus(id))!.logPath, (t) => / stdout F ready\n/.test(t), 'the trap');
    let t0 = performance.now();
    await rt.stopContainer(polite, 10);
    times.stopGraceful = performance.now() - t0;
    const sp = await rt.containerStatus(polite);
    assert.deepEqual([sp?.state, sp?.exitCode, sp?.reason], ['CONTAINER_EXITED', 0, 'Completed']);
    assert.ok(times.stopGraceful < 3000);
    await rt.stopContainer(usr1, 10); // the image's StopSignal
    assert.equal((await rt.containerStatus(usr1))?.exitCode, 5);
    t0 = performance.now();
    await rt.stopContainer(stubborn, 1);
    const took = performance.now() - t0;
    const ss = await rt.containerStatus(stubborn);
    assert.deepEqual([ss?.state, ss?.exitCode, ss?.reason], ['CONTAINER_EXITED', 137, 'Error']);
    assert.ok(took >= 1000 && took < 4000, `stop took ${took} ms`);
    t0 = performance.now();
    await rt.removeContainer(stubborn);
    times.remove = performance.now() - t0;
    assert.equal(await rt.containerStatus(stubborn), undefined);
  });

  test('security: runAsUser, read-only rootfs, dropped capability, memory limit OOMKilled', async () => {
    const [u, ro, cap, capOk, oom, priv] = await Promise.all([
      runContainer(containerConfig('uid', IMG, { command: ['sh', '-c', 'id -u; id -g; id -G'] }, { runAsUser: 1000, supplementalGroups: [3000] })),
      runContainer(containerConfig('ro', IMG, { command: ['sh', '-c', 'touch /newfile'] }, { readonlyRootfs: true })),
      runContainer(containerConfig('nocap', IMG, { command: ['nc', '-l', '-p', '81'] }, { capabilities: { addCapabilities: [], dropCapabilities: ['NET_BIND_SERVICE'] } })),
      runContainer(containerConfig('capok', IMG, { command: ['sh', '-c', 'grep CapEff /proc/self/status; [ -c /proc/keys ] && echo masked || echo open'] }, { capabilities: { addCapabilities: ['SYS_ADMIN'], dropCapabilities: ['CAP_KILL'] } })),
      runContainer(containerConfig('hog', IMG, { command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=200M', 'count=1'] }, {}, { memoryLimitInBytes: 32 * 1024 * 1024 })),
      runContainer(containerConfig('priv', IMG, { command: ['sh', '-c', 'grep CapEff /proc/self/status; touch /sys/fs/cgroup/x 2>&1 | grep -c Read-only; [ -c /proc/keys ] && echo masked || echo open'] }, { privileged: true })),
    ]);
    // Privileged gets every capability the runtime itself holds (containerd does the same).
    const capBnd = /^CapBnd:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
    assert.deepEqual(logText(await waitExited(priv)).split('\n'), [`CapEff:\t${capBnd}`, '0', 'open']);
    assert.equal(logText(await waitExited(u)), '1000\n1000\n1000 10 3000');
    const sro = await waitExited(ro);
    assert.notEqual(sro.exitCode, 0);
    assert.match(logText(sro), /Read-only file system/);
    const scap = await waitExited(cap);
    assert.notEqual(scap.exitCode, 0);
    assert.match(logText(scap), /Permission denied/);
    // default set (0xa80425fb) + SYS_ADMIN (bit 21) - KILL (bit 5)
    assert.equal(logText(await waitExited(capOk)), `CapEff:\t${(0xa80425fb + (1 << 21) - (1 << 5)).toString(16).padStart(16, '0')}\nmasked`);
    const soom = await waitExited(oom);
    assert.deepEqual([soom.exitCode, soom.reason], [137, 'OOMKilled']);
  });

  test('termination message from the container layer; exec sessions; port-forward; attach', async () => {
    const tm = await runContainer(containerConfig('tm', IMG, { command: ['sh', '-c', 'echo bye > /tmp/msg; exit 1'], terminationMessagePath: '/tmp/msg' }));
    assert.equal((await waitExited(tm)).message, 'bye\n');

    const side = (await rt.listContainers({ podSandboxId: sbId, labelSelector: { container: 'side' } }))[0]!;
    const web = (await rt.listContainers({ labelSelector: { container: 'web' } }))[0]!;
    const s = await rt.exec(side.id, ['sh', '-c', 'read x; echo got $x; echo e >&2; exit 5'], { stdin: true, stdout: true, stderr: true, tty: false });
    let out = '';
    s.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    s.stdin!.end('hi\n');
    assert.equal(await s.exited, 5);
    assert.equal(out, 'got hi\n');

    const t = await rt.exec(side.id, ['sh', '-c', 'tty; exit 4'], { stdin: false, stdout: true, stderr: false, tty: true });
    let tout = '';
    t.stdout!.on('data', (d: Buffer) => { tout += d.toString(); });
    assert.equal(await t.exited, 4);
    assert.match(tout, /\/dev\/pts\/\d+/);

    const t0 = performance.now();
    await assert.rejects(rt.execSync(side.id, ['sleep', '5'], 1), ExecTimeoutError);
    assert.ok(performance.now() - t0 < 3000);

    const conn = await rt.portForward(sbId, 80);
    let resp = '';
    conn.on('data', (d: Buffer) => { resp += d.toString(); });
    const ended = new Promise((r) => conn.on('end', r));
    conn.write('GET / HTTP/1.0\r\n\r\n');
    await ended;
    assert.match(resp, /^HTTP\/1\.[01] 200/);
    assert.match(resp, /hello from k8ts runtime test/);

    const talker = await runContainer(containerConfig('talker', IMG, { command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo tick $i; sleep 0.1; done'] }));
    const at = await rt.attach(talker, { stdin: false, stdout: true, stderr: true, tty: false });
    let aout = '';
    at.stdout!.on('data', (d: Buffer) => { aout += d.toString(); });
    await at.exited;
    assert.match(aout, /tick \d+\n/);
    assert.ok(web);
  });

  test('attach: stdin (once) to a plain container; an interactive tty shell with resize', async () => {
    const [plain, shell] = await Promise.all([
      runContainer(containerConfig('stdin', IMG, { command: ['sh', '-c', 'read x; echo got:$x; echo bad >&2; exit 6'], stdin: true, stdinOnce: true })),
      runContainer(containerConfig('shell', IMG, { command: ['sh'], stdin: true, tty: true })),
    ]);
    const a = await rt.attach(plain, { stdin: true, stdout: true, stderr: true, tty: false });
    let out = '';
    let err = '';
    a.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    a.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    await new Promise((r) => setTimeout(r, 100)); // connected before the input goes in
    a.stdin!.end('hello\n');
    await a.exited;
    assert.equal(out, 'got:hello\n');
    assert.equal(err, 'bad\n');
    const sp = await waitExited(plain);
    assert.equal(sp.exitCode, 6);

    const t = await rt.attach(shell, { stdin: true, stdout: true, stderr: false, tty: true });
    let tout = '';
    t.stdout!.on('data', (d: Buffer) => { tout += d.toString(); });
    t.resize(77, 33);
    // The resize reaches the shell as SIGWINCH, on its own path: ask until the shell has seen it.
    const deadline = Date.now() + 10_000;
    while (!/33 77\r?\n/.test(tout) && Date.now() < deadline) {
      t.stdin!.write('stty size\n');
      await new Promise((r) => setTimeout(r, 100));
    }
    t.stdin!.write('echo $((6*7)); exit 9\n');
    await t.exited;
    assert.match(tout, /33 77\r?\n/);
    assert.match(tout, /42\r?\n/);
    assert.equal((await waitExited(shell)).exitCode, 9);
  });

  test('tty exec resize; log reopen after rotation', async () => {
    const side = (await rt.listContainers({ labelSelector: { container: 'side' } }))[0]!;
    const t = await rt.exec(side.id, ['sh', '-c', 'sleep 0.4; stty size'], { stdin: false, stdout: true, stderr: false, tty: true });
    t.resize(101, 42);
    let tout = '';
    t.stdout!.on('data', (d: Buffer) => { tout += d.toString(); });
    assert.equal(await t.exited, 0);
    assert.match(tout, /42 101/);

    const ticker = await runContainer(containerConfig('ticker', IMG, { command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo t$i; sleep 0.05; done'] }));
    const st = (await rt.containerStatus(ticker))!;
    await waitForFile(st.logPath, (t) => / stdout F t1\n/.test(t), 'the first line');
    renameSync(st.logPath, `${st.logPath}.1`);
    await rt.reopenContainerLog(ticker);
    assert.match(readFileSync(`${st.logPath}.1`, 'utf8'), / stdout F t1\n/);
    const fresh = await waitForFile(st.logPath, (t) => / stdout F t\d+\n/.test(t), 'a line in the reopened log');
    assert.match(fresh, / stdout F t\d+\n/);
    assert.doesNotMatch(fresh, / stdout F t1\n/);
    await rt.removeContainer(ticker);
  });

  test('a new runtime instance adopts running and exited containers', async () => {
    const late = await runContainer(containerConfig('late', IMG, { command: ['sh', '-c', 'sleep 0.3; exit 4'] }));
    const before = await rt.listContainers({ podSandboxId: sbId });
    const web = before.find((c) => c.metadata.name === 'web')!;
    assert.equal(web.state, 'CONTAINER_RUNNING');
    rt = newRuntime();
    // Exits while "the agent is down": the new instance reads the code conmon recorded.
    assert.deepEqual((await waitExited(late)).exitCode, 4);
    const afterList = await rt.listContainers({ podSandboxId: sbId });
    assert.deepEqual(afterList.map((c) => c.id).sort(), before.map((c) => c.id).sort());
    const web2 = afterList.find((c) => c.id === web.id)!;
    assert.deepEqual([web2.state, web2.pid, web2.startedAt], ['CONTAINER_RUNNING', web.pid, web.startedAt]);
    const three = afterList.find((c) => c.metadata.name === 'three')!;
    assert.deepEqual([three.state, three.exitCode, three.reason], ['CONTAINER_EXITED', 3, 'Error']);
    assert.equal((await rt.podSandboxStatus(sbId))?.state, 'SANDBOX_READY');
    // The adopted container still exits through conmon with its code.
    await rt.stopContainer(web.id, 0);
    const s = await rt.containerStatus(web.id);
    assert.deepEqual([s?.state, s?.exitCode], ['CONTAINER_EXITED', 137]);
  });

  test('hostNetwork sandbox uses the host network and hostname; tty container', async () => {
    const cfg = sandboxConfig('hostpod', logDir, `${env.cgroupParentBase}/hostpod`, { hostNetwork: true });
    const id = await rt.runPodSandbox(cfg);
    const st = await rt.podSandboxStatus(id);
    assert.deepEqual([st?.state, st?.netnsPath, st?.network.ip], ['SANDBOX_READY', '', '']);
    const hostName = readFileSync('/proc/sys/kernel/hostname', 'utf8').trim();
    const [c, tty] = await Promise.all([
      runContainer(containerConfig('hn', IMG, { command: ['sh', '-c', 'hostname; readlink /proc/self/ns/net'] }), id, cfg),
      runContainer(containerConfig('tty', IMG, { command: ['sh', '-c', 'tty'], tty: true }), id, cfg),
    ]);
    const lines = logText(await waitExited(c)).split('\n');
    assert.deepEqual(lines, [hostName, readlinkSync('/proc/self/ns/net')]);
    assert.match(logText(await waitExited(tty)), /^\/dev\/pts\/\d+/);
    await rt.removePodSandbox(id);
    assert.equal(await rt.podSandboxStatus(id), undefined);
  });

  test('stop and remove the sandbox: containers killed, netns gone', async () => {
    await rt.stopPodSandbox(sbId);
    assert.equal((await rt.podSandboxStatus(sbId))?.state, 'SANDBOX_NOTREADY');
    assert.ok((await rt.listContainers({ podSandboxId: sbId })).every((c) => c.state === 'CONTAINER_EXITED'));
    await rt.stopPodSandbox(sbId); // idempotent
    await rt.removePodSandbox(sbId);
    assert.equal(await rt.podSandboxStatus(sbId), undefined);
    assert.deepEqual(await rt.listContainers({ podSandboxId: sbId }), []);
    const ns = await import('node:fs').then((fs) => fs.existsSync(`/var/run/netns/${net.name(sbId)}`));
    assert.equal(ns, false);
    assert.match((await rt.version()).runtimeVersion, /^\d+\.\d+\.\d+/);
  });
});
