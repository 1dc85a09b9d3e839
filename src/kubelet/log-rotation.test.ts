import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerStatus } from './cri/types.js';
import { rotateContainerLogs, rotatedSuffix, surplusRotated } from './log-rotation.js';

describe('surplusRotated', () => {
  const cases: [string, string[], number, string[]][] = [
    ['nothing rotated', ['0.log'], 5, []],
    ['within the limit', ['0.log', '0.log.20260101-000000', '0.log.20260101-000100'], 5, []],
    ['oldest go first', ['0.log', '0.log.20260101-000300', '0.log.20260101-000000', '0.log.20260101-000200', '0.log.20260101-000100'], 3, ['0.log.20260101-000000', '0.log.20260101-000100']],
    ['other files are left alone', ['0.log', '1.log.20260101-000000', '0.log.tmp'], 1, []],
  ];
  for (const [name, files, max, want] of cases) test(name, () => assert.deepEqual(surplusRotated('/x/0.log', files, max), want));
});

test('rotatedSuffix is Go\'s 20060102-150405 in UTC', () => assert.equal(rotatedSuffix(new Date('2026-11-26T08:05:09Z')), '20261126-080509'));

test('a log over the size is renamed, reopened, and old ones pruned', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logrot-'));
  try {
    const log = join(dir, '0.log');
    for (const s of ['20261126-080000', '20261126-080100', '20261126-080200']) writeFileSync(`${log}.${s}`, 'old\n');
    writeFileSync(log, 'x'.repeat(2000));
    const reopened: string[] = [];
    const runtime = {
      listContainers: async () => [{ id: 'c1', state: 'CONTAINER_RUNNING', logPath: log } as ContainerStatus],
      reopenContainerLog: async (id: string) => {
        reopened.push(id);
        writeFileSync(log, '');
      },
    };
    await rotateContainerLogs(runtime, { maxSize: 1000, maxFiles: 3, now: () => new Date('2026-11-26T08:05:09Z') });
    assert.deepEqual(reopened, ['c1']);
    assert.deepEqual(readdirSync(dir).sort(), ['0.log', '0.log.20261126-080200', '0.log.20261126-080509']);
    // Under the size nothing moves.
    await rotateContainerLogs(runtime, { maxSize: 1000, maxFiles: 3, now: () => new Date() });
    assert.deepEqual(reopened, ['c1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
