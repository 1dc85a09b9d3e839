// The files of API data volumes (configMap, secret, downwardAPI), as upstream's MakePayload and
// CollectData build them: items map keys to paths, modes default from defaultMode, optional
// objects and keys may be missing. Pure: the objects are passed in.

import type { KubeObject } from '../../api/object.js';
import type { Payload } from './atomic-writer.js';
import { extractFieldPath, extractResourceValue } from './downward-api.js';
import type { DownwardAPIVolumeFile, KeyToPath, ResourceList } from './types.js';

/** The API's default for defaultMode (0644). */
export const DEFAULT_MODE = 0o644;

/** Upstream's utilerrors.NewAggregate message: one error as itself, several in brackets. */
export function aggregate(errs: string[]): string | undefined {
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

function entries(obj: KubeObject | undefined, field: 'data' | 'binaryData', base64: boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const d = obj?.[field];
  if (d && typeof d === 'object') {
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) if (typeof v === 'string') out.set(k, Buffer.from(v, base64 ? 'base64' : 'utf8'));
  }
  return out;
}

function project(data: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean, missingKey: (key: string) => string): Payload {
  const payload: Payload = new Map();
  if (!items?.length) {
    for (const [k, v] of data) payload.set(k, { data: v, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const v = data.get(item.key);
    if (v === undefined) {
      if (optional) continue;
      throw new Error(missingKey(item.key));
    }
    payload.set(item.path, { data: v, mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** configmap.MakePayload: data and binaryData keys; a missing object is passed as undefined (optional). */
export function configMapPayload(cm: KubeObject | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const data = entries(cm, 'binaryData', true);
  for (const [k, v] of entries(cm, 'data', false)) data.set(k, v);
  return project(data, items, defaultMode, optional, (k) => `configmap references non-existent config key: ${k}`);
}

/** secret.MakePayload: base64 data decoded. */
export function secretPayload(secret: KubeObject | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  return project(entries(secret, 'data', true), items, defaultMode, optional, (k) => `references non-existent secret key: ${k}`);
}

/** downwardapi CollectData: every item rendered; failures gathered into one aggregate error. */
export function downwardAPIPayload(pod: KubeObject, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number, nodeAllocatable?: ResourceList): Payload {
  const payload: Payload = new Map();
  const errs: string[] = [];
  for (const item of items ?? []) {
    const mode = item.mode ?? defaultMode;
    try {
      let data = '';
      if (item.fieldRef) data = extractFieldPath(pod, item.fieldRef.fieldPath);
      else if (item.resourceFieldRef) data = extractResourceValue(pod, item.resourceFieldRef, nodeAllocatable);
      payload.set(item.path, { data, mode });
    } catch (e) {
      errs.push(e instanceof Error ? e.message : String(e));
    }
  }
  const err = aggregate(errs);
  if (err) throw new Error(err);
  return payload;
}
