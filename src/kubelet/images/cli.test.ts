// Tests of `k8ts image` (src/cli/commands/image.ts), kept beside the store it drives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { humanSize, imageRows, tabulate } from '../../cli/commands/image.js';
import { buildImage } from '../../../test/fixtures/registry/image.js';
import type { TestImage } from '../../../test/fixtures/registry/image.js';

const run = promisify(execFile);

test('sizes as crictl prints them', () => {
  const cases: [number, string][] = [[0, '0B'], [13, '13B'], [999, '999B'], [1000, '1kB'], [744_321, '744kB'], [1_088_238, '1.09MB'], [20_500_000, '20.5MB'], [3_000_000_000, '3GB']];
  for (const [n, want] of cases) assert.equal(humanSize(n), want, String(n));
});

test('rows and columns as crictl images', () => {
  const out = tabulate(imageRows([
    { id: `sha256:${'b'.repeat(64)}`, repoTags: ['docker.io/library/nginx:alpine', 'docker.io/library/nginx:latest'], repoDigests: [], size: 20_500_000, config: {} },
    { id: `sha256:${'a'.repeat(64)}`, repoTags: [], repoDigests: [`127.0.0.1:5000/x@sha256:${'c'.repeat(64)}`], size: 1200, config: {} },
    { id: `sha256:${'d'.repeat(64)}`, repoTags: ['docker.io/akalipetis/headers:latest'], repoDigests: [], size: 5, config: {} },
  ]));
  assert.equal(out, [
    'IMAGE                          TAG                 IMAGE ID            SIZE',
    '127.0.0.1:5000/x               <none>              aaaaaaaaaaaaa       1.2kB',
    'docker.io/akalipetis/headers   latest              ddddddddddddd       5B',
    'docker.io/library/nginx        alpine              bbbbbbbbbbbbb       20.5MB',
    'docker.io/library/nginx        latest              bbbbbbbbbbbbb       20.5MB',
    '',
  ].join('\n'));
});

async function dockerSave(file: string, img: TestImage, tags: string[]): Promise<void> {
  const b = await buildImage(img);
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => { pack.on('end', () => r()); });
  const members: [string, Buffer][] = [
    ['manifest.json', Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: tags, Layers: b.layers.map((_, i) => `l${i}/layer.tar`) }]))],
    ['config.json', b.config],
    ...b.layers.map((l, i): [string, Buffer] => [`l${i}/layer.tar`, l.tar]),
  ];
  for (const [name, data] of members) await new Promise<void>((res, rej) => { pack.entry({ name, size: data.length }, data, (e) => (e ? rej(e) : res())); });
  pack.finalize();
  await done;
  await writeFile(file, Buffer.concat(chunks));
}

test('k8ts image import and ls, from two processes at once on one data dir', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8tA-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = join(dir, 'data');
  await dockerSave(join(dir, 'a.tar'), { layers: [[{ path: 'a', content: 'a' }]], config: {} }, ['nginx:alpine']);
  await dockerSave(join(dir, 'b.tar'), { layers: [[{ path: 'b', content: 'b' }]], config: {} }, ['alpine:latest']);
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', '-e',
    `import('./src/cli/commands/image.ts').then((m) => m.imageCommand().parseAsync(${JSON.stringify(args)}, { from: 'user' })).catch((e) => { console.error(e.message); process.exit(1); })`,
  ], { cwd: process.cwd(), env: { ...process.env, K8TS_DATA_DIR: data } });
  const [a, b] = await Promise.all([cli('import', join(dir, 'a.tar')), cli('import', join(dir, 'b.tar'))]);
  assert.match(a.stdout, /^imported docker\.io\/library\/nginx:alpine \(sha256:[a-f0-9]{64}\)\n$/);
  assert.match(b.stdout, /^imported docker\.io\/library\/alpine:latest/);
  const ls = await cli('ls', '--data-dir', data);
  const lines = ls.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^IMAGE {22}TAG {17}IMAGE ID {12}SIZE$/);
  assert.match(lines[1]!, /^docker\.io\/library\/alpine {3}latest {14}[a-f0-9]{13} {7}\d+(\.\d+)?k?B$/);
  assert.match(lines[2]!, /^docker\.io\/library\/nginx  /);
});
