// The node's ImageService (CRI image side): pulls through RegistryClient into the ContentStore,
// sharing concurrent downloads, and answers the kubelet's image queries from the store's index.

import { join } from 'node:path';
import { ImagePullError } from '../cri/types.js';
import type { AuthConfig, Image, ImageService, PullProgress } from '../cri/types.js';
import { importArchive } from './archive.js';
import { nodePlatform } from './oci.js';
import type { Platform } from './oci.js';
import { formatReference, parseNormalizedReference, repositoryName } from './reference.js';
import type { RegistriesConfig } from './registries.js';
import { RegistryClient } from './registry-client.js';
import type { ResolvedImage } from './registry-client.js';
import { ContentStore } from './store.js';
import type { ImageIndexFile, StoredImage, StoredLayer } from './store.js';

export type ImageLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ImageLog = (level: ImageLogLevel, msg: string, fields?: Record<string, unknown>) => void;

export interface ImageStoreOptions {
  /** The node's data dir; images live in <dataDir>/agent/images. */
  dataDir: string;
  registries?: RegistriesConfig;
  log?: ImageLog;
  /** Platform picked from image indexes; default the node's (linux/<process.arch>). */
  platform?: Platform;
  /** Layers downloaded at once per pull. */
  parallelLayers?: number;
}

/** A new image record for `index`: the tag moves to this image, as a re-tag does in containerd. */
export function recordImage(index: ImageIndexFile, img: StoredImage): void {
  for (const other of Object.values(index.images)) {
    if (other.id === img.id) continue;
    other.repoTags = other.repoTags.filter((t) => !img.repoTags.includes(t));
  }
  const prev = index.images[img.id];
  if (prev) {
    img.repoTags = [...new Set([...prev.repoTags, ...img.repoTags])];
    img.repoDigests = [...new Set([...prev.repoDigests, ...img.repoDigests])];
    img.blobs = [...new Set([...prev.blobs, ...img.blobs])];
  }
  index.images[img.id] = img;
}

function toImage(s: StoredImage): Image {
  return { id: s.id, repoTags: [...s.repoTags], repoDigests: [...s.repoDigests], size: s.size, config: s.config };
}

function humanDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

/** Finds an image by id ("sha256:<hex>", "<hex>", a unique hex prefix of 12+), tag or digest reference. */
export function findImage(index: ImageIndexFile, image: string): StoredImage | undefined {
  const images = Object.values(index.images);
  const id = /^(?:sha256:)?([a-f0-9]{12,64})$/.exec(image);
  if (id) {
    const m = images.filter((i) => i.id.slice(7).startsWith(id[1]!));
    if (m.length === 1) return m[0];
  }
  let ref;
  try {
    ref = parseNormalizedReference(image);
  } catch {
    return undefined;
  }
  if (ref.digest) {
    const want = `${repositoryName(ref)}@${ref.digest}`;
    return images.find((i) => i.repoDigests.includes(want)) ??
      images.find((i) => i.manifestDigest === ref.digest && i.repoDigests.some((d) => d.startsWith(`${repositoryName(ref)}@`)));
  }
  const tag = formatReference(ref);
  return images.find((i) => i.repoTags.includes(tag));
}

interface Flight { promise: Promise<string>; listeners: Set<(p: PullProgress) => void> }

export class ImageStore implements ImageService {
  readonly root: string;
  readonly store: ContentStore;
  private readonly client: RegistryClient;
  private readonly log: ImageLog;
  private readonly parallel: number;
  private readonly platform: Platform;
  private readonly pulls = new Map<string, Flight>();
  private readonly blobFlights = new Map<string, Promise<void>>();
  private readonly layerFlights = new Map<string, Promise<void>>();
  private ready: Promise<void> | undefined;

  constructor(opts: ImageStoreOptions) {
    this.root = join(opts.dataDir, 'agent', 'images');
    this.store = new ContentStore(this.root);
    this.platform = opts.platform ?? nodePlatform();
    this.client = new RegistryClient(opts.registries ? { registries: opts.registries, platform: this.platform } : { platform: this.platform });
    this.log = opts.log ?? (() => undefined);
    this.parallel = opts.parallelLayers ?? 3;
  }

  private init(): Promise<void> {
    this.ready ??= this.store.init().then(() => this.store.cleanTemp());
    return this.ready;
  }

  async pullImage(image: string, auth: AuthConfig[] = [], onProgress?: (p: PullProgress) => void): Promise<string> {
    let ref;
    try {
      ref = parseNormalizedReference(image);
    } catch (e) {
      throw new ImagePullError(`failed to parse image reference "${image}": ${(e as Error).message}`, 'Invalid');
    }
    const key = formatReference(ref);
    let flight = this.pulls.get(key);
    if (!flight) {
      const listeners = new Set<(p: PullProgress) => void>();
      const emit = (p: PullProgress): void => {
        for (const l of listeners) {
          try { l(p); } catch { /* a listener's failure is not the pull's */ }
        }
      };
      const promise = this.doPull(key, auth, emit).finally(() => this.pulls.delete(key));
      flight = { promise, listeners };
      this.pulls.set(key, flight);
    }
    if (onProgress) flight.listeners.add(onProgress);
    return flight.promise;
  }

  private async doPull(refStr: string, auth: AuthConfig[], emit: (p: PullProgress) => void): Promise<string> {
    await this.init();
    const started = Date.now();
    this.log('info', 'pulling image', { image: refStr });
    const fail = (e: unknown): never => {
      const pe = e instanceof ImagePullError ? e : new ImagePullError(e instanceof Error ? e.message : String(e), 'Other');
      const out = new ImagePullError(`failed to pull and unpack image "${refStr}": ${pe.message}`, pe.kind);
      this.log('warn', 'pull failed', { image: refStr, error: out.message });
      throw out;
    };
    try {
      const ref = parseNormalizedReference(refStr);
      const r = await this.client.resolve(ref, auth);
      if (r.indexBytes) await this.store.putBlob(r.indexBytes);
      await this.store.putBlob(r.manifestBytes);
      await this.store.putBlob(r.configBytes);
      const layers: StoredLayer[] = r.manifest.layers.map((l, i) => ({ digest: l.digest, diffId: r.config.diffIds[i]!, size: l.size, mediaType: l.mediaType }));
      const total = layers.reduce((n, l) => n + l.size, 0);
      // On a failure no new layer starts, and the pull ends once the running ones settle.
      let queue = 0;
      let failure: { e: unknown } | undefined;
      const work = async (): Promise<void> => {
        while (queue < layers.length && !failure) {
          const l = layers[queue++]!;
          try {
            await this.fetchLayer(r, l, refStr, emit);
          } catch (e) {
            failure ??= { e };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.parallel, layers.length) }, work));
      if (failure) throw failure.e;
      const img: StoredImage = {
        id: r.manifest.config.digest,
        repoTags: ref.tag !== undefined && ref.digest === undefined ? [refStr] : [],
        repoDigests: [`${r.repository}@${r.topDigest}`],
        manifestDigest: r.manifestDigest,
        blobs: [...new Set([...(r.indexBytes ? [r.topDigest] : []), r.manifestDigest, r.manifest.config.digest, ...layers.map((l) => l.digest)])],
        layers,
        size: total,
        config: r.config.config,
        os: r.config.os,
        architecture: r.config.architecture,
        storedAt: new Date().toISOString(),
      };
      await this.commit(img);
      emit({ ref: refStr, bytes: total, total, done: true });
      const ms = Date.now() - started;
      this.log('info', 'pulled image', {
        image: refStr, id: img.id, repoDigest: img.repoDigests[0], size: total, duration: humanDuration(ms),
      });
      return img.id;
    } catch (e) {
      return fail(e);
    }
  }

  /** Stores the image, re-checking under the lock that its layers are still there (a concurrent removal may have collected them). */
  private async commit(img: StoredImage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const missing = await this.store.updateIndex(async (index) => {
        for (const l of img.layers) if (!(await this.store.hasLayer(l.diffId)) || !(await this.store.hasBlob(l.digest))) return true;
        recordImage(index, img);
        return false;
      });
      if (!missing) return;
      if (attempt > 0) throw new ImagePullError('image layers were removed while the image was being stored', 'Other');
      this.log('warn', 'layers removed during pull, fetching again', { image: img.repoTags[0] ?? img.id });
    }
  }

  private async fetchLayer(r: ResolvedImage, l: StoredLayer, refStr: string, emit: (p: PullProgress) => void): Promise<void> {
    if (await this.store.hasLayer(l.diffId) && await this.store.hasBlob(l.digest)) {
      emit({ ref: refStr, layer: l.digest, bytes: l.size, total: l.size, done: true });
      this.log('debug', 'layer already present', { image: refStr, layer: l.digest });
      return;
    }
    await this.once(this.blobFlights, l.digest, async () => {
      if (await this.store.hasBlob(l.digest)) return;
      const t0 = Date.now();
      let lastLog = t0;
      const body = await r.openBlob({ mediaType: l.mediaType, digest: l.digest, size: l.size });
      await this.store.writeBlob(l, body, 'layer', (n) => {
        emit({ ref: refStr, layer: l.digest, bytes: n, total: l.size, done: false });
        if (Date.now() - lastLog > 1000) {
          lastLog = Date.now();
          this.log('info', 'pulling layer', { image: refStr, layer: l.digest, bytes: n, total: l.size });
        }
      });
      this.log('info', 'downloaded layer', { image: refStr, layer: l.digest, bytes: l.size, duration: humanDuration(Date.now() - t0) });
    });
    await this.once(this.layerFlights, l.diffId, () => this.store.unpack(l));
    emit({ ref: refStr, layer: l.digest, bytes: l.size, total: l.size, done: true });
  }

  private once(map: Map<string, Promise<void>>, key: string, fn: () => Promise<void>): Promise<void> {
    let p = map.get(key);
    if (!p) {
      p = fn().finally(() => map.delete(key));
      map.set(key, p);
    }
    return p;
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    const s = findImage(await this.store.readIndex(), image);
    return s ? toImage(s) : undefined;
  }

  async listImages(): Promise<Image[]> {
    const index = await this.store.readIndex();
    return Object.values(index.images).map(toImage).sort((a, b) => (a.repoTags[0] ?? a.id).localeCompare(b.repoTags[0] ?? b.id));
  }

  /** The stored record (layers, manifest digest) of an image. */
  async storedImage(image: string): Promise<StoredImage | undefined> {
    const s = findImage(await this.store.readIndex(), image);
    return s ? structuredClone(s) : undefined;
  }

  /** Removes the image and every name it has (as CRI RemoveImage does), then its unshared content. */
  async removeImage(image: string): Promise<void> {
    await this.init();
    await this.store.updateIndex(async (index) => {
      const s = findImage(index, image);
      if (!s) return;
      delete index.images[s.id];
      await this.store.collect(index, { blobs: s.blobs, diffIds: s.layers.map((l) => l.diffId) });
      this.log('info', 'removed image', { image, id: s.id });
    });
  }

  async layerDirs(imageId: string): Promise<string[]> {
    const s = findImage(await this.store.readIndex(), imageId);
    if (!s) throw new Error(`image "${imageId}" not found`);
    const dirs = s.layers.map((l) => this.store.layerDir(l.diffId));
    for (const l of s.layers) {
      if (!(await this.store.hasLayer(l.diffId))) throw new Error(`image "${imageId}": layer ${l.diffId} is missing from the store`);
    }
    return dirs;
  }

  /**
   * Loads an OCI image layout tar or a `docker save` tar (plain or gzipped), every image in it;
   * returns the references imported (an unnamed image as its id).
   */
  async importArchive(file: string): Promise<string[]> {
    await this.init();
    return importArchive(this.store, file, {
      platform: this.platform,
      commit: (img) => this.commit(img),
      log: this.log,
    });
  }
}
