// `k8ts image import FILE...` and `k8ts image ls`: the node's image store from the command line,
// safe beside a running server (the store's index is locked and replaced atomically).

import { Command } from 'commander';
import type { Image } from '../../kubelet/cri/types.js';
import type { ImageStore } from '../../kubelet/images/image-service.js';
import { addOptions, AGENT_OPTIONS, resolveOptions, SERVER_OPTIONS } from '../options.js';

const STORE_OPTIONS = SERVER_OPTIONS.filter((s) => s.name === 'data-dir' || s.name === 'config');
// The server's whole schema, so the server's config file (agent keys included) and env apply as is.
const ALL_SERVER_OPTIONS = [...SERVER_OPTIONS, ...AGENT_OPTIONS.filter((a) => !SERVER_OPTIONS.some((s) => s.name === a.name))];

// The image store loads only when an image command runs, so other commands start faster.
async function storeFrom(flags: Record<string, unknown>): Promise<ImageStore> {
  const { ImageStore } = await import('../../kubelet/images/image-service.js');
  const o = resolveOptions(ALL_SERVER_OPTIONS, flags);
  return new ImageStore({ dataDir: String(o['data-dir']) });
}

/** Go's units.HumanSizeWithPrecision(size, 3), as crictl prints sizes: 1.09MB, 744kB, 13B. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  const s = size.toPrecision(3);
  return `${s.includes('e') ? s : s.includes('.') ? s.replace(/\.?0+$/, '') : s}${units[i]}`;
}

/** Go's text/tabwriter with crictl's settings (minwidth 20, padding 3); the last column unpadded. */
export function tabulate(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.slice(0, -1).forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, Math.max(20, c.length + 3)); });
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('')).join('\n') + '\n';
}

/** `crictl images` rows: one per tag; untagged images show their digest's repository and <none>. */
export function imageRows(images: Image[]): string[][] {
  const sorted = [...images].sort((a, b) => (a.repoTags[0] ?? '').localeCompare(b.repoTags[0] ?? ''));
  const rows: string[][] = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
  for (const img of sorted) {
    const id = img.id.replace(/^sha256:/, '').slice(0, 13);
    const size = humanSize(img.size);
    const digestRepo = img.repoDigests[0]?.split('@')[0] ?? '<none>';
    if (img.repoTags.length === 0) rows.push([digestRepo, '<none>', id, size]);
    for (const t of img.repoTags) {
      const i = t.lastIndexOf(':');
      rows.push(i === -1 ? ['<none>', '<none>', id, size] : [t.slice(0, i), t.slice(i + 1), id, size]);
    }
  }
  return rows;
}

/** The `image` command; added to `program` when given. */
export function imageCommand(program?: Command): Command {
  const cmd = new Command('image').description('manage the images of the node agent (import archives, list)');

  const imp = new Command('import')
    .description('load images from OCI image layout or `docker save` archives (tar or tar.gz)')
    .argument('<file...>', 'archive files');
  addOptions(imp, STORE_OPTIONS);
  imp.action(async (files: string[], flags: Record<string, unknown>) => {
    const store = await storeFrom(flags);
    for (const file of files) {
      const refs = await store.importArchive(file);
      for (const ref of refs) {
        const img = await store.imageStatus(ref);
        process.stdout.write(`imported ${ref}${img && img.id !== ref ? ` (${img.id})` : ''}\n`);
      }
    }
  });

  const ls = new Command('ls').alias('list').description('list images, as `crictl images` does').option('-q, --quiet', 'only show image IDs');
  addOptions(ls, STORE_OPTIONS);
  ls.action(async (flags: Record<string, unknown>) => {
    const images = await (await storeFrom(flags)).listImages();
    if (flags.quiet) {
      process.stdout.write(images.map((i) => `${i.id}\n`).join(''));
      return;
    }
    process.stdout.write(tabulate(imageRows(images)));
  });

  cmd.addCommand(imp);
  cmd.addCommand(ls);
  program?.addCommand(cmd);
  return cmd;
}
