// Which old daemon pods to delete and which nodes get a new pod during a rolling update
// (upstream's DaemonSetsController.rollingUpdate): without surge, delete old pods while fewer
// than maxUnavailable are unavailable; with surge, start new pods beside old ones, up to
// maxSurge at a time, and delete each old pod once its replacement is available.

import type { KubeObject } from '../../api/object.js';
import { isPodAvailable } from '../statefulset/pod-state.js';
import { isPodUpdated } from './pod-template.js';

export interface RollingUpdateInput {
  /** Pods per node (non-deleted-terminal), with an empty entry for each node that should run one. */
  nodeToPods: ReadonlyMap<string, readonly KubeObject[]>;
  hash: string;
  generation: number | undefined;
  maxSurge: number;
  maxUnavailable: number;
  desired: number;
  minReadySeconds: number;
  nowMs: number;
  shouldRun(node: string): boolean;
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, else ok=false. */
export function findUpdatedPodsOnNode(pods: readonly KubeObject[], hash: string, generation: number | undefined): { newPod?: KubeObject; oldPod?: KubeObject; ok: boolean } {
  let newPod: KubeObject | undefined, oldPod: KubeObject | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

export function planRollingUpdate(i: RollingUpdateInput): { deletePods: string[]; createOnNodes: string[] } {
  const available = (p: KubeObject) => isPodAvailable(p, i.minReadySeconds, i.nowMs);
  const nameOf = (p: KubeObject) => p.metadata!.name!;
  if (i.maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const pods of i.nodeToPods.values()) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods, i.hash, i.generation);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
        numUnavailable++;
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          replacements.push(nameOf(oldPod));
          numUnavailable++;
        } else if (numUnavailable < i.maxUnavailable) {
          candidates.push(nameOf(oldPod));
        }
      }
    }
    const remaining = Math.min(Math.max(i.maxUnavailable - numUnavailable, 0), candidates.length);
    return { deletePods: [...replacements, ...candidates.slice(0, remaining)], createOnNodes: [] };
  }

  const deletePods: string[] = [];
  const shouldNotRun: string[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [node, pods] of i.nodeToPods) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods, i.hash, i.generation);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!i.shouldRun(node)) deletePods.push(nameOf(oldPod));
        else allowedNodes.push(node);
      } else if (!i.shouldRun(node)) {
        shouldNotRun.push(nameOf(oldPod));
      } else if (numSurge < i.maxSurge) {
        candidateNodes.push(node);
      }
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    deletePods.push(nameOf(oldPod));
  }
  // Pods on nodes that no longer qualify go only once enough others are available.
  const deletable = Math.min(numAvailable - i.desired, shouldNotRun.length);
  if (deletable > 0) deletePods.push(...shouldNotRun.slice(0, deletable));
  const remaining = Math.min(Math.max(i.maxSurge - numSurge, 0), candidateNodes.length);
  return { deletePods, createOnNodes: [...allowedNodes, ...candidateNodes.slice(0, remaining)] };
}
