// What the runtime needs from the host, for the agent to refuse to start with a clear message (and
// for tests to fail with one) instead of failing on the first pod.

import { accessSync, constants, existsSync } from 'node:fs';
import { whichSync } from './command.js';

/** Missing requirements, as phrases ("root", "runc (Debian package runc)"); empty when all is there. */
export function runtimeMissing(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root');
  const need: [string, string][] = [
    ['runc', 'runc'], ['conmon', 'conmon'], ['mount', 'mount'], ['unshare', 'util-linux'], ['nsenter', 'util-linux'],
    ['script', 'bsdutils'], ['stty', 'coreutils'], ['busybox', 'busybox-static'], ['python3', 'python3'],
  ];
  for (const [bin, pkg] of need) {
    const p = whichSync(bin);
    try {
      accessSync(p, constants.X_OK);
    } catch {
      missing.push(`${bin} (Debian package ${pkg})`);
    }
  }
  if (!existsSync('/sys/fs/cgroup/memory')) missing.push('cgroup v1 memory controller at /sys/fs/cgroup/memory');
  return missing;
}
