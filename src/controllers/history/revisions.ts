// ControllerRevision helpers shared by the StatefulSet and DaemonSet controllers (upstream's
// pkg/controller/history): the template patch a revision stores, naming, ordering, equality,
// creation with collision handling, and which old revisions the history limit lets go.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import type { ResourceClient } from '../../client/rest.js';
import { isAlreadyExists } from '../../client/informer.js';
import { goJsonMarshal } from './go-json.js';
import { controllerRevisionName, hashControllerRevision } from './hash.js';

export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision?: number;
}

export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The strategic merge patch that restores spec.template: {"spec":{"template":{...,"$patch":"replace"}}}. */
export function templatePatch(owner: KubeObject): string {
  const template: Obj = { ...asObj(cloneJson(asObj(owner.spec).template)), $patch: 'replace' };
  // Go marshals the template's ObjectMeta struct whole: creationTimestamp is null when unset.
  template.metadata = { creationTimestamp: null, ...asObj(template.metadata) };
  return goJsonMarshal({ spec: { template } });
}

/** The revision's data as the bytes upstream would compare. */
export function revisionRaw(rev: ControllerRevision): string {
  return rev.data === undefined ? '' : goJsonMarshal(rev.data);
}

export function controllerOwnerRef(parent: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: parent.metadata?.name ?? '', uid: parent.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** history.NewControllerRevision: labels from the template plus the hash label, name parent-hash. */
export function newControllerRevision(parent: KubeObject, apiVersion: string, kind: string, templateLabels: Record<string, string> | undefined, raw: string, revision: number, collisionCount: number): ControllerRevision {
  const hash = hashControllerRevision(raw, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata?.name ?? '', hash),
      namespace: parent.metadata?.namespace,
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [controllerOwnerRef(parent, apiVersion, kind)],
    },
    data: JSON.parse(raw) as unknown,
    revision,
  };
}

/** Sorted by revision number, ties by creation time then name (history.SortControllerRevisions). */
export function sortRevisions<T extends ControllerRevision>(revs: readonly T[]): T[] {
  return [...revs].sort((a, b) => {
    const d = (a.revision ?? 0) - (b.revision ?? 0);
    if (d !== 0) return d;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

export function maxRevision(revs: readonly ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
}

/** The number the next revision gets: one past the highest. */
export function nextRevision(revs: readonly ControllerRevision[]): number {
  return maxRevision(revs) + 1;
}

/** history.EqualRevision: differing hash labels decide quickly, otherwise the data bytes. */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha && hb && /^\d+$/.test(ha) && /^\d+$/.test(hb) && ha !== hb) return false;
  return revisionRaw(a) === revisionRaw(b);
}

export function findEqualRevisions<T extends ControllerRevision>(revs: readonly T[], needle: ControllerRevision): T[] {
  return revs.filter((r) => equalRevision(r, needle));
}

/**
 * history.CreateControllerRevision: on a name collision with different data, bump the
 * collision count and rename; an existing revision with the same data is returned as is.
 */
export async function createControllerRevision(client: ResourceClient<ControllerRevision>, parent: KubeObject, rev: ControllerRevision, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const raw = revisionRaw(rev);
  for (let attempt = 0; attempt < 100; attempt++) {
    const hash = hashControllerRevision(raw, collisionCount);
    const clone = cloneJson(rev);
    clone.metadata = { ...clone.metadata, name: controllerRevisionName(parent.metadata?.name ?? '', hash), namespace: parent.metadata?.namespace };
    try {
      return { revision: await client.create(clone), collisionCount };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await client.get(parent.metadata?.namespace, clone.metadata.name!);
      if (revisionRaw(existing) === raw) return { revision: existing, collisionCount };
      collisionCount++;
    }
  }
  throw new Error('too many ControllerRevision name collisions');
}

/**
 * The revisions to delete so that at most `limit` non-live ones remain, oldest first
 * (StatefulSet's truncateHistory; `live` holds revision names in use).
 */
export function revisionsToPrune<T extends ControllerRevision>(revs: readonly T[], live: ReadonlySet<string>, limit: number): T[] {
  const history = sortRevisions(revs).filter((r) => !live.has(r.metadata?.name ?? ''));
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}
