// Container log rotation as upstream's ContainerLogManager does it: a running container's log
// above containerLogMaxSize is renamed to <log>.<YYYYMMDD-HHMMSS>, the runtime reopens the path,
// and only containerLogMaxFiles files (the live one included) are kept. The runtime's own cap
// (conmon truncating) stays as a backstop above this size.

import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RuntimeService } from './cri/types.js';

export interface LogRotationOptions {
  /** Bytes (upstream's containerLogMaxSize default 10Mi). */
  maxSize: number;
  /** Files kept per container, the live one included (containerLogMaxFiles, default 5). */
  maxFiles: number;
  now: () => Date;
}

export const DEFAULT_LOG_ROTATION = { maxSize: 10 * 1024 * 1024, maxFiles: 5 };

/** Go's "20060102-150405" in UTC. */
export function rotatedSuffix(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** The rotated files of a log to delete so that maxFiles remain (oldest first go). */
export function surplusRotated(log: string, names: string[], maxFiles: number): string[] {
  const prefix = `${basename(log)}.`;
  const rotated = names.filter((n) => n.startsWith(prefix) && /^\d{8}-\d{6}/.test(n.slice(prefix.length))).sort();
  return rotated.slice(0, Math.max(0, rotated.length - (maxFiles - 1)));
}

export async function rotateContainerLogs(runtime: Pick<RuntimeService, 'listContainers' | 'reopenContainerLog'>, o: LogRotationOptions): Promise<void> {
  for (const c of await runtime.listContainers()) {
    if (c.state !== 'CONTAINER_RUNNING' || !c.logPath) continue;
    const size = await stat(c.logPath).then((s) => s.size, () => 0);
    if (size > o.maxSize) {
      await rename(c.logPath, `${c.logPath}.${rotatedSuffix(o.now())}`);
      await runtime.reopenContainerLog(c.id);
    }
    const dir = dirname(c.logPath);
    for (const old of surplusRotated(c.logPath, await readdir(dir).catch(() => []), o.maxFiles)) await unlink(join(dir, old)).catch(() => undefined);
  }
}
