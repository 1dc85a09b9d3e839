// Makes sure a container's image is on the node before it starts (images/image_manager.go
// EnsureImageExists): the pull policy decides, failed pulls back off per pod and image (10 s
// doubling to 5 min), and each step is an event with upstream's text. Failures come back as
// the waiting reason the container status shows (ErrImagePull, ImagePullBackOff, ErrImageNeverPull).

import type { AuthConfig, Image, ImageService } from './cri/types.js';
import { Backoff } from './backoff.js';
import { pullPolicyOf } from './kuberuntime/image-ref.js';
import type { Container, Pod } from './types.js';
import type { Clock } from '../client/workqueue.js';

export type ContainerEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export type PullResult = { ok: true; image: Image } | { ok: false; reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName'; message: string };

/** Go's Duration.Truncate(time.Millisecond).String() for pull times: "1.2s", "532ms". */
export function pullDuration(ms: number): string {
  const t = Math.floor(ms);
  if (t < 1000) return `${t}ms`;
  if (t < 60_000) return `${Number((t / 1000).toFixed(3))}s`;
  const m = Math.floor(t / 60_000);
  return `${m}m${Number(((t % 60_000) / 1000).toFixed(3))}s`;
}

export class ImagePuller {
  readonly backoff: Backoff;
  /** When each pod's image last failed to pull (by back-off key). */
  readonly lastFailureAt = new Map<string, number>();

  constructor(
    private readonly images: ImageService,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.backoff = new Backoff(clock);
  }

  async ensureImageExists(pod: Pod, c: Container, auth: AuthConfig[], event: ContainerEvent): Promise<PullResult> {
    const image = c.image ?? '';
    if (!image) return { ok: false, reason: 'InvalidImageName', message: `Failed to apply default image tag "": couldn't parse image name "": invalid reference format` };
    const policy = pullPolicyOf(image, c.imagePullPolicy);
    const present = await this.images.imageStatus(image);
    if (present && policy !== 'Always') {
      event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return { ok: true, image: present };
    }
    if (!present && policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      event('Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
    const key = `${pod.metadata.uid}_${image}`;
    if (this.backoff.isInBackOffSinceUpdate(key, this.clock.now())) {
      const message = `Back-off pulling image "${image}"`;
      event('Normal', 'BackOff', message);
      return { ok: false, reason: 'ImagePullBackOff', message };
    }
    event('Normal', 'Pulling', `Pulling image "${image}"`);
    const start = this.clock.now();
    try {
      await this.images.pullImage(image, auth);
      const pulled = await this.images.imageStatus(image);
      if (!pulled) throw new Error(`image "${image}" not found after pulling`);
      const took = pullDuration(this.clock.now() - start);
      event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${pulled.size} bytes.`);
      this.backoff.gc();
      return { ok: true, image: pulled };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      this.backoff.next(key, this.clock.now());
      this.lastFailureAt.set(key, this.clock.now());
      return { ok: false, reason: 'ErrImagePull', message };
    }
  }
}
