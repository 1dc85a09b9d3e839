// Starts conmon, the per-container monitor (as CRI-O does): conmon runs `runc create`, stays the
// container's parent (subreaper) after double-forking away from the agent, writes the CRI log file and
// the exit code (<persistDir>/exit, <exitDir>/<id>) and an `oom` file. So the container survives agent
// restarts and its exit code is never lost, which runc alone cannot give for detached containers.
//
// Handshake (api-version 1): fd 3 is the sync pipe, fd 4 the start pipe. We write one byte on the start
// pipe (CRI-O moves conmon into a cgroup first; we have nothing to do there), conmon answers on the
// sync pipe with `{"data": <container pid>}` or `{"data": -1, "message": "..."}`.

import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface ConmonOptions {
  conmonPath: string;
  runcPath: string;
  runcRoot: string;
  containerId: string;
  name: string;
  bundle: string;
  /** CRI log file (k8s-file driver). */
  logPath: string;
  logSizeMax: number;
  exitDir: string;
  persistDir: string;
  socketDir: string;
  containerPidFile: string;
  conmonPidFile: string;
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  timeoutMs?: number;
}

export function conmonArgs(o: ConmonOptions): string[] {
  const args = [
    '--api-version', '1',
    '-b', o.bundle,
    '-c', o.containerId,
    '-u', o.containerId,
    '-n', o.name,
    '-r', o.runcPath,
    '--runtime-arg', `--root=${o.runcRoot}`,
    '--exit-dir', o.exitDir,
    '--persist-dir', o.persistDir,
    '--socket-dir-path', o.socketDir,
    '-l', `k8s-file:${o.logPath}`,
    '-p', o.containerPidFile,
    '-P', o.conmonPidFile,
    '--log-level', 'error',
    '--syslog',
  ];
  if (o.logSizeMax > 0) args.push('--log-size-max', String(o.logSizeMax));
  if (o.tty) args.push('-t');
  else if (o.stdin) {
    if (!o.stdinOnce) args.push('--leave-stdin-open');
    args.push('-i');
  }
  return args;
}

/** Resolves with the container's host pid once `runc create` succeeded. */
export function startConmon(o: ConmonOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.conmonPath, conmonArgs(o), {
      cwd: o.bundle,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' },
    });
    const sync = child.stdio[3] as Readable;
    const start = child.stdio[4] as Writable;
    let buf = '';
    let stderr = '';
    let settled = false;
    const done = (err: Error | undefined, pid?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const s of [sync, start, child.stdout, child.stderr]) s?.destroy();
      if (err) reject(err);
      else resolve(pid!);
    };
    const timer = setTimeout(() => done(new Error(`conmon: container create timed out after ${o.timeoutMs ?? 60000} ms`)), o.timeoutMs ?? 60000);
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout!.on('data', () => undefined);
    child.on('error', (e) => done(e));
    child.on('exit', (code) => {
      // The first conmon exits 0 after forking the monitor; anything else means it never got going.
      if (code !== 0) done(new Error(`conmon exited with ${code}: ${stderr.trim()}`));
    });
    sync.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        const msg = JSON.parse(buf.slice(0, nl)) as { data?: number; message?: string };
        if (typeof msg.data === 'number' && msg.data > 0) done(undefined, msg.data);
        else done(new Error(`container create failed: ${(msg.message ?? 'unknown error').trim()}`));
      } catch (e) {
        done(new Error(`conmon: bad sync message ${JSON.stringify(buf)}: ${String(e)}`));
      }
    });
    sync.on('end', () => done(new Error(`conmon closed the sync pipe without a pid: ${stderr.trim()}`)));
    sync.on('error', () => undefined);
    start.on('error', () => undefined);
    start.write(Buffer.from([0]));
  });
}
