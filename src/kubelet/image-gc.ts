// Image garbage collection as upstream's ImageGCManager: every 5 minutes, when the filesystem
// holding the images is above HighThresholdPercent (85) used, remove images no container uses
// (running or exited), largest first here since the store keeps no last-used time, until usage is
// below LowThresholdPercent (80).

import { statfs } from 'node:fs/promises';
import type { Image, ImageService, RuntimeService } from './cri/types.js';

export interface ImageGcPolicy { highThresholdPercent: number; lowThresholdPercent: number }
export const DEFAULT_IMAGE_GC: ImageGcPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80 };

export interface DiskUsage { capacity: number; available: number }

/** Which unused images to remove to bring usage under the low threshold (none below the high one). */
export function imagesToFree(images: Image[], inUse: Set<string>, disk: DiskUsage, policy: ImageGcPolicy): Image[] {
  const usedPercent = (100 * (disk.capacity - disk.available)) / disk.capacity;
  if (disk.capacity <= 0 || usedPercent < policy.highThresholdPercent) return [];
  let toFree = disk.capacity - disk.available - (disk.capacity * policy.lowThresholdPercent) / 100;
  const out: Image[] = [];
  for (const img of images.filter((i) => !inUse.has(i.id)).sort((a, b) => b.size - a.size)) {
    if (toFree <= 0) break;
    out.push(img);
    toFree -= img.size;
  }
  return out;
}

export async function garbageCollectImages(runtime: Pick<RuntimeService, 'listContainers'>, images: Pick<ImageService, 'listImages' | 'removeImage'>, dir: string, policy = DEFAULT_IMAGE_GC): Promise<Image[]> {
  const s = await statfs(dir);
  const disk = { capacity: s.blocks * s.bsize, available: s.bavail * s.bsize };
  const inUse = new Set((await runtime.listContainers()).map((c) => c.image));
  const victims = imagesToFree(await images.listImages(), inUse, disk, policy);
  for (const img of victims) await images.removeImage(img.id);
  return victims;
}
