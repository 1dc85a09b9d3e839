// Server-owned metadata: uids, timestamps, generated names, generation bumps.

import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/registry/types.js';

/** RFC 3339 with second precision, as metav1.Time marshals. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// upstream's utilrand alphabet: no vowels (no words) and no confusable characters.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return s;
}

/** generateName gets 5 random characters, its prefix cut so the result stays within 63 characters. */
export function generateName(prefix: string): string {
  const max = 63 - 5;
  return (prefix.length > max ? prefix.slice(0, max) : prefix) + randomSuffix();
}

export function newUid(): string {
  return randomUUID();
}

function specOf(t: ResourceType, obj: KubeObject): string {
  if (t.generation === 'all-but-metadata') {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
    return JSON.stringify(rest);
  }
  return JSON.stringify(obj.spec ?? null);
}

/** Whether an update changes what metadata.generation tracks for this kind. */
export function generationChanged(t: ResourceType, obj: KubeObject, old: KubeObject): boolean {
  if (t.generation !== 'spec' && t.generation !== 'all-but-metadata') return false;
  return specOf(t, obj) !== specOf(t, old);
}

export function tracksGeneration(t: ResourceType): boolean {
  return t.generation === 'spec' || t.generation === 'all-but-metadata';
}
