// Test support for the pod network's root tests: preconditions, in-netns servers and clients, and a
// cleanup that removes every object with the test's own prefixes even after a failure.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { execTool } from './exec.js';
import { NETNS_DIR } from './pod-network.js';

export function assertRootNetworking(): void {
  assert.equal(process.getuid?.(), 0, 'the pod network tests need root (they create netns, veths and a bridge)');
  for (const f of ['/usr/bin/busybox', '/usr/bin/nsenter']) assert.ok(existsSync(f), `the pod network tests need ${f}`);
  assert.ok(existsSync('/sys/class/net'), 'the pod network tests need sysfs');
}

/** Removes netns, links and the bridge carrying the test's prefixes (never anyone else's). */
export async function cleanupPrefixes(p: { bridge: string; netnsPrefix: string; vethPrefix: string }): Promise<void> {
  const cmds: string[] = [];
  for (const l of existsSync('/sys/class/net') ? readdirSync('/sys/class/net') : []) {
    if (l.startsWith(p.vethPrefix)) cmds.push(`link del ${l}`);
  }
  for (const n of existsSync(NETNS_DIR) ? readdirSync(NETNS_DIR) : []) {
    if (n.startsWith(p.netnsPrefix)) cmds.push(`netns del ${n}`);
  }
  if (existsSync(`/sys/class/net/${p.bridge}`)) cmds.push(`link del ${p.bridge}`);
  if (cmds.length) await execTool('ip', ['-force', '-batch', '-'], `${cmds.join('\n')}\n`);
}

/** Starts busybox httpd inside the netns on `port`, serving `body`; killed by PID via the returned stop. */
export async function startHttpd(netnsPath: string, dir: string, port: number, body: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/index.html`, body);
  const child: ChildProcess = spawn('nsenter', [`--net=${netnsPath}`, '/usr/bin/busybox', 'httpd', '-f', '-p', String(port), '-h', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
}

/** TCP connect from the host to a literal IP; resolves true when accepted within the timeout. */
export function tcpConnects(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port, timeout: timeoutMs });
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.once('connect', () => done(true));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}

/** Waits for a freshly started server (the poll is short: httpd listens within a few ms). */
export async function waitListening(ip: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await tcpConnects(ip, port, 200)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`nothing listens on ${ip}:${port}`);
}

/**
 * HTTP GET of / from inside a netns with busybox nc (static busybox wget segfaults on this host's NSS
 * setup); returns the body, or undefined when nothing answered.
 */
export async function httpGetFrom(netnsPath: string, ip: string, port: number, timeoutS = 2): Promise<string | undefined> {
  const r = await execTool('nsenter', [`--net=${netnsPath}`, '/usr/bin/busybox', 'nc', '-w', String(timeoutS), ip, String(port)],
    'GET / HTTP/1.0\r\n\r\n');
  const sep = r.stdout.indexOf('\r\n\r\n');
  return r.code === 0 && sep >= 0 ? r.stdout.slice(sep + 4) : undefined;
}

export async function pingFrom(netnsPath: string, ip: string): Promise<boolean> {
  const r = await execTool('nsenter', [`--net=${netnsPath}`, '/usr/bin/busybox', 'ping', '-c', '1', '-W', '1', ip]);
  return r.code === 0;
}

async function linkInfo(netnsPath: string, dev: string): Promise<{ address?: string; mtu?: number }> {
  // Through netlink: /sys under nsenter still shows the host's devices.
  const r = await execTool('nsenter', [`--net=${netnsPath}`, 'ip', '-j', 'link', 'show', 'dev', dev]);
  const links = JSON.parse(r.stdout || '[]') as { address?: string; mtu?: number }[];
  return links[0] ?? {};
}

export async function linkMac(netnsPath: string, dev: string): Promise<string> {
  return (await linkInfo(netnsPath, dev)).address ?? '';
}

export async function linkMtu(netnsPath: string, dev: string): Promise<number | undefined> {
  return (await linkInfo(netnsPath, dev)).mtu;
}

/** The host's (or a netns's) neighbour entry for ip, as "lladdr STATE" text, or '' when none. */
export async function neighbour(ip: string, dev: string, netnsPath?: string): Promise<string> {
  const args = ['neigh', 'show', ip, 'dev', dev];
  const r = netnsPath ? await execTool('nsenter', [`--net=${netnsPath}`, 'ip', ...args]) : await execTool('ip', args);
  return r.stdout.trim();
}
