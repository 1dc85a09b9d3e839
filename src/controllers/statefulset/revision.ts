// A StatefulSet's revisions (upstream's newRevision / ApplyRevision): the template patch, named
// <set>-<hash> over FNV-32 of the patch plus the collision count, carrying the set's annotations.

import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { newControllerRevision, templatePatch, type ControllerRevision } from '../history/revisions.js';
import { objOf as obj } from '../../api/validation/util.js';

type Obj = Record<string, unknown>;

export function statefulSetRevision(set: KubeObject, revision: number, collisionCount: number): ControllerRevision {
  const labels = obj(obj(obj(set.spec).template).metadata).labels as Record<string, string> | undefined;
  const cr = newControllerRevision(set, 'apps/v1', 'StatefulSet', labels, templatePatch(set), revision, collisionCount);
  const annotations = set.metadata?.annotations;
  if (annotations && Object.keys(annotations).length > 0) cr.metadata!.annotations = { ...annotations };
  return cr;
}

/** The set as it was at a revision: its spec.template replaced by the revision's. */
export function applyRevision(set: KubeObject, rev: ControllerRevision): KubeObject {
  const clone = cloneJson(set);
  const template = { ...obj(obj(obj(rev.data).spec).template) };
  delete template.$patch;
  (clone.spec as Obj).template = cloneJson(template);
  return clone;
}
