// The write side of a Deployment sync (deployment/sync.go): finding or creating the new
// ReplicaSet, scaling sets (with proportional scaling of a rollout in flight), cleaning up old
// revisions, and writing the status.

import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { isAlreadyExists } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { goJsonMarshal } from '../history/go-json.js';
import { computeHash } from '../util/hash.js';
import { controllerOf, newControllerRef } from '../util/owners.js';
import {
  activeOf, byCreation, byRevision, bySizeNewer, bySizeOlder, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, isRollingUpdate,
  isSaturated, maxRevision, maxSurge, newRSNewReplicas, normalizedTemplate, POD_TEMPLATE_HASH, proportion, replicas, replicasAnnotationsNeedUpdate,
  REVISION, setNewReplicaSetAnnotations, setReplicasAnnotations, spec, statusOf, sumSpec, num, type Obj,
} from './util.js';
import { calculateStatus, deploymentStatus, getCondition, newCondition, progressDeadline, REASONS, rolloutStatus, setCondition, stuckRequeueAfter, type DeploymentStatus } from './status.js';

export interface SyncDeps {
  dClient: ResourceClient;
  rsClient: ResourceClient;
  recorder: EventRecorder;
  now(): number;
  enqueueAfter(key: string, ms: number): void;
}

/** One sync of one Deployment; `d` is a private copy kept current after each write. */
export class DeploymentSync {
  constructor(
    readonly deps: SyncDeps,
    public d: KubeObject,
  ) {}

  get key(): string {
    return `${this.d.metadata!.namespace}/${this.d.metadata!.name}`;
  }

  async updateStatus(st: DeploymentStatus): Promise<void> {
    this.d = await this.deps.dClient.updateStatus({ ...cloneJson(this.d), status: st });
  }

  /** Sets the Deployment's own revision annotation; written with the next status update. */
  private setDeploymentRevision(revision: string): boolean {
    const ann = (this.d.metadata!.annotations ??= {});
    if (ann[REVISION] === revision) return false;
    ann[REVISION] = revision;
    return true;
  }

  /** getAllReplicaSetsAndSyncRevision: the new set (created if asked) and the old ones. */
  async allReplicaSets(rsList: KubeObject[], create: boolean): Promise<{ newRS?: KubeObject; oldRSs: KubeObject[] }> {
    const oldRSs = findOldReplicaSets(this.d, rsList);
    const newRS = await this.newReplicaSet(rsList, oldRSs, create);
    return { newRS, oldRSs };
  }

  private async newReplicaSet(rsList: KubeObject[], oldRSs: KubeObject[], create: boolean): Promise<KubeObject | undefined> {
    const d = this.d;
    const existing = findNewReplicaSet(d, rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    const minReady = num(spec(d), 'minReadySeconds');
    if (existing) {
      let rs = cloneJson(existing);
      const annChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReadyChanged = num(spec(rs), 'minReadySeconds') !== minReady;
      if (annChanged || minReadyChanged) {
        (rs.spec as Obj).minReadySeconds = minReady;
        rs = await this.deps.rsClient.update(rs);
      }
      let needsUpdate = this.setDeploymentRevision(rs.metadata!.annotations![REVISION]);
      const st = cloneJson(deploymentStatus(this.d));
      if (progressDeadline(d) !== undefined && !getCondition(st, 'Progressing')) {
        setCondition(st, newCondition('Progressing', 'True', REASONS.foundNewRS, `Found new replica set "${rs.metadata!.name}"`, this.deps.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.updateStatus(st);
      return rs;
    }
    if (!create) return undefined;

    const st0 = deploymentStatus(d);
    const template = normalizedTemplate(spec(d).template) as Obj;
    const hash = computeHash(template, st0.collisionCount);
    const tmeta = ((template.metadata as Obj | undefined) ?? {}) as Obj;
    const rsTemplate = cloneJson((spec(d).template as Obj | undefined) ?? {});
    const rsTmeta = ((rsTemplate.metadata as Obj | undefined) ?? (rsTemplate.metadata = {})) as Obj;
    rsTmeta.labels = { ...((tmeta.labels as Record<string, string> | undefined) ?? {}), [POD_TEMPLATE_HASH]: hash };
    const selector = cloneJson((spec(d).selector as Obj | undefined) ?? {});
    selector.matchLabels = { ...((selector.matchLabels as Record<string, string> | undefined) ?? {}), [POD_TEMPLATE_HASH]: hash };
    const newRS: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata!.name}-${hash}`,
        namespace: d.metadata!.namespace,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...(rsTmeta.labels as Record<string, string>) },
      },
      spec: { replicas: 0, minReadySeconds: minReady, selector, template: rsTemplate },
    };
    const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    (newRS.spec as Obj).replicas = count;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: KubeObject;
    try {
      created = await this.deps.rsClient.create(newRS);
    } catch (e) {
      if (isAlreadyExists(e)) {
        const rs = await this.deps.rsClient.get(d.metadata!.namespace, newRS.metadata!.name!);
        if (controllerOf(rs)?.uid === d.metadata!.uid && equalIgnoreHash(spec(d).template, spec(rs).template)) return rs;
        // A different template hashes to this name: bump collisionCount so the next try differs.
        const st = cloneJson(deploymentStatus(this.d));
        st.collisionCount = (st.collisionCount ?? 0) + 1;
        await this.updateStatus(st);
        throw new Error(`hash collision for deployment ${d.metadata!.name}: bumping collisionCount to ${st.collisionCount}`);
      }
      const msg = `Failed to create new replica set "${newRS.metadata!.name}": ${e instanceof Error ? e.message : String(e)}`;
      if (progressDeadline(d) !== undefined) {
        const st = cloneJson(deploymentStatus(this.d));
        setCondition(st, newCondition('Progressing', 'False', REASONS.failedRSCreate, msg, this.deps.now()));
        await this.updateStatus(st).catch(() => undefined);
      }
      this.deps.recorder.event(d, 'Warning', REASONS.failedRSCreate, msg);
      throw e;
    }
    if (count > 0) this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata!.name} to ${count} from 0`);
    let needsUpdate = this.setDeploymentRevision(String(newRevision));
    const st = cloneJson(deploymentStatus(this.d));
    if (progressDeadline(d) !== undefined) {
      setCondition(st, newCondition('Progressing', 'True', REASONS.newRSCreated, `Created new replica set "${created.metadata!.name}"`, this.deps.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateStatus(st);
    return created;
  }

  /** Scales one set, refreshing the desired/max annotations; returns the stored set. */
  async scaleReplicaSet(rs: KubeObject, newScale: number, op?: 'up' | 'down'): Promise<{ scaled: boolean; rs: KubeObject }> {
    const d = this.d;
    const oldScale = replicas(rs);
    const sizeChange = oldScale !== newScale;
    const max = replicas(d) + maxSurge(d);
    if (!sizeChange && !replicasAnnotationsNeedUpdate(rs, replicas(d), max)) return { scaled: false, rs };
    const copy = cloneJson(rs);
    (copy.spec as Obj).replicas = newScale;
    setReplicasAnnotations(copy, replicas(d), max);
    const stored = await this.deps.rsClient.update(copy);
    if (sizeChange) {
      const verb = op ?? (oldScale < newScale ? 'up' : 'down');
      this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${verb} replica set ${rs.metadata!.name} to ${newScale} from ${oldScale}`);
    }
    return { scaled: sizeChange, rs: stored };
  }

  async scaleAndRecord(rs: KubeObject, newScale: number): Promise<{ scaled: boolean; rs: KubeObject }> {
    if (replicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale);
  }

  /** scale(): a scaling event or a paused Deployment, spread proportionally over active sets. */
  async scale(newRS: KubeObject | undefined, oldRSs: KubeObject[]): Promise<void> {
    const d = this.d;
    const activeOrLatest = (() => {
      if (!newRS && !oldRSs.length) return undefined;
      const olds = [...oldRSs].sort(byCreation).reverse();
      const active = activeOf([...olds, newRS]);
      if (active.length === 0) return newRS ?? olds[0];
      if (active.length === 1) return active[0];
      return undefined;
    })();
    if (activeOrLatest) {
      if (replicas(activeOrLatest) !== replicas(d)) await this.scaleAndRecord(activeOrLatest, replicas(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeOf(oldRSs)) await this.scaleAndRecord(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeOf([...oldRSs, newRS]);
    const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
    const toAdd = allowed - sumSpec(all);
    let op: 'up' | 'down' | undefined;
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      op = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      op = 'down';
    }
    const sizes = new Map<string, number>();
    let added = 0;
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs.metadata!.name!, replicas(rs) + p);
        added += p;
      } else sizes.set(rs.metadata!.name!, replicas(rs));
    }
    if (added !== toAdd && all.length) {
      const first = all[0].metadata!.name!;
      sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
    }
    for (const rs of all) await this.scaleReplicaSet(rs, sizes.get(rs.metadata!.name!)!, op);
  }

  /** Deletes the oldest fully scaled-down sets beyond revisionHistoryLimit. */
  async cleanup(oldRSs: KubeObject[]): Promise<void> {
    const limit = spec(this.d).revisionHistoryLimit as number | undefined;
    if (limit === undefined) return;
    const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort(byRevision);
    for (const rs of alive.slice(0, diff)) {
      const st = statusOf(rs);
      if (num(st, 'replicas') !== 0 || replicas(rs) !== 0 || (rs.metadata?.generation ?? 0) > num(st, 'observedGeneration')) continue;
      await this.deps.rsClient.delete(rs.metadata!.namespace, rs.metadata!.name!).catch(() => undefined);
    }
  }

  /** syncDeploymentStatus: counts and Available only. */
  async syncStatus(all: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
    const st = calculateStatus(all, newRS, this.d, this.deps.now());
    if (goJsonMarshal(st) === goJsonMarshal(deploymentStatus(this.d))) return;
    await this.updateStatus(st);
  }

  /** syncRolloutStatus: counts, Available, Progressing, ReplicaFailure; requeues stuck rollouts. */
  async syncRolloutStatus(all: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
    const now = this.deps.now();
    const st = rolloutStatus(all, newRS, this.d, now);
    if (goJsonMarshal(st) === goJsonMarshal(deploymentStatus(this.d))) {
      const after = stuckRequeueAfter(this.d, st, now);
      if (after >= 0) this.deps.enqueueAfter(this.key, Math.max(after, 1));
      return;
    }
    await this.updateStatus(st);
  }

  /** sync(): scaling and status for a paused Deployment or a scaling event. */
  async syncScale(rsList: KubeObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.allReplicaSets(rsList, false);
    await this.scale(newRS, oldRSs);
    if (spec(this.d).paused) await this.cleanup(oldRSs);
    // Re-read what the scaling wrote is not needed for status: upstream uses the pre-scale sets too.
    await this.syncStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }
}
