// One DaemonSet sync (upstream's syncDaemonSet): claim pods and revisions, settle the current
// revision (its hash labels new pods), then, when earlier creations and deletions have been
// observed, place a pod on every eligible node and remove the rest (manage), roll old pods
// (rollingUpdate), prune history, and write status.

import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import type { ClientSet } from '../../client/clientset.js';
import type { EventRecorder } from '../../client/events.js';
import { isAlreadyExists, isNotFound, splitKey, type Informer } from '../../client/informer.js';
import type { Clock } from '../../client/workqueue.js';
import { claimObjects } from '../util/owners.js';
import { controllerOwnerRef, maxRevision, revisionRaw, sortRevisions, templatePatch, type ControllerRevision } from '../history/revisions.js';
import { isFailed, isSucceeded } from '../statefulset/pod-state.js';
import type { Expectations } from '../util/expectations.js';
import { daemonSetTemplateHash } from './hash.js';
import { scaledValue } from './int-or-percent.js';
import { nodeShouldRunDaemonPod } from './node-fit.js';
import { daemonPodTemplate, isPodUpdated, pinToNode, podSpecForNode, REVISION_HASH_LABEL, targetNodeName, templateGeneration } from './pod-template.js';
import { planRollingUpdate } from './rolling-update.js';
import { computeDaemonSetStatus, daemonStatusChanged, sortDaemonPods } from './status.js';
import { objOf as obj } from '../../api/validation/util.js';

type Obj = Record<string, unknown>;

export interface DaemonSetDeps {
  clients: ClientSet;
  sets: Informer;
  pods: Informer;
  nodes: Informer;
  revisions: Informer<ControllerRevision>;
  recorder: EventRecorder;
  clock: Clock;
  expectations: Expectations;
  requeueAfter(key: string, ms: number): void;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function daemonSetReconciler(deps: DaemonSetDeps): (key: string) => Promise<void> {
  const podsClient = deps.clients.resource('pods');
  const revClient = deps.clients.resource<ControllerRevision>('controllerrevisions');
  const setsClient = deps.clients.resource('daemonsets');

  // Failed daemon pods are replaced with per-node back-off (1 s doubling to 15 min), as upstream,
  // so that a node that keeps rejecting the pod is not hot-looped.
  const failedBackoff = new Map<string, { delayMs: number; lastMs: number }>();
  const inFailedBackoff = (key: string, nowMs: number): number => {
    const b = failedBackoff.get(key);
    if (b && nowMs - b.lastMs < b.delayMs) return b.delayMs - (nowMs - b.lastMs);
    failedBackoff.set(key, { delayMs: b ? Math.min(b.delayMs * 2, 15 * 60 * 1000) : 1000, lastMs: nowMs });
    return 0;
  };

  /** getNodesToDaemonPods: live daemon pods grouped by the node they are (or will be) on. */
  const nodesToPods = (pods: readonly KubeObject[], includeDeletedTerminal: boolean) => {
    const m = new Map<string, KubeObject[]>();
    for (const p of pods) {
      if (!includeDeletedTerminal && p.metadata?.deletionTimestamp && (isFailed(p) || isSucceeded(p))) continue;
      const node = targetNodeName(p);
      if (!node) continue;
      let list = m.get(node);
      if (!list) m.set(node, (list = []));
      list.push(p);
    }
    return m;
  };

  /** constructHistory: find or snapshot the revision matching the template; number it newest. */
  const constructHistory = async (ds: KubeObject, revisions: ControllerRevision[], pods: readonly KubeObject[]) => {
    const patch = templatePatch(ds);
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (const r of revisions) (revisionRaw(r) === patch ? current : old).push(r);
    const next = maxRevision(old) + 1;
    let cur: ControllerRevision;
    if (current.length === 0) {
      const hash = daemonSetTemplateHash(ds);
      const labels = { ...(obj(obj(obj(ds.spec).template).metadata).labels as Record<string, string>), [REVISION_HASH_LABEL]: hash };
      const rev: ControllerRevision = {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name: `${ds.metadata!.name}-${hash}`, namespace: ds.metadata?.namespace, labels, ownerReferences: [controllerOwnerRef(ds, 'apps/v1', 'DaemonSet')] },
        data: JSON.parse(patch) as unknown,
        revision: next,
      };
      if (ds.metadata?.annotations) rev.metadata!.annotations = { ...ds.metadata.annotations };
      try {
        cur = await revClient.create(rev);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        const existing = await revClient.get(ds.metadata?.namespace, rev.metadata!.name!);
        if (revisionRaw(existing) !== patch) {
          // A different template hashed to the same name: bump collisionCount and try again.
          const fresh = await setsClient.get(ds.metadata?.namespace, ds.metadata!.name!);
          const st = obj(fresh.status);
          fresh.status = { ...st, collisionCount: (typeof st.collisionCount === 'number' ? st.collisionCount : 0) + 1 };
          await setsClient.updateStatus(fresh);
          throw e;
        }
        cur = existing;
      }
    } else {
      const sorted = sortRevisions(current);
      cur = sorted[sorted.length - 1]!;
      // Duplicates of the current revision: relabel their pods, then drop them.
      for (const dup of sorted.slice(0, -1)) {
        const want = cur.metadata?.labels?.[REVISION_HASH_LABEL];
        for (const p of pods) {
          if (want && p.metadata?.labels?.[REVISION_HASH_LABEL] !== want) await podsClient.patch(p.metadata?.namespace, p.metadata!.name!, 'merge', { metadata: { labels: { [REVISION_HASH_LABEL]: want } } });
        }
        await revClient.delete(dup.metadata?.namespace, dup.metadata!.name!).catch((e: unknown) => {
          if (!isNotFound(e)) throw e;
        });
      }
      if ((cur.revision ?? 0) < next) {
        const upd = cloneJson(cur);
        upd.revision = next;
        cur = await revClient.update(upd);
      }
    }
    return { cur, old, hash: cur.metadata?.labels?.[REVISION_HASH_LABEL] ?? cur.metadata!.name!.slice(ds.metadata!.name!.length + 1) };
  };

  /** syncNodes: delete the named pods and create one pinned pod on each node. */
  const syncNodes = async (key: string, ds: KubeObject, podsToDelete: readonly KubeObject[], nodesToCreate: readonly string[], hash: string) => {
    if (podsToDelete.length === 0 && nodesToCreate.length === 0) return;
    deps.expectations.expect(key, nodesToCreate.length, podsToDelete.map((p) => p.metadata?.uid ?? ''));
    const template = daemonPodTemplate(ds, hash);
    const tmeta = obj(template.metadata);
    const ownerRef = controllerOwnerRef(ds, 'apps/v1', 'DaemonSet');
    const errors: unknown[] = [];
    await Promise.all([
      ...nodesToCreate.map(async (node) => {
        const spec = obj(cloneJson(template.spec));
        spec.affinity = pinToNode(spec.affinity, node);
        const meta: Obj = { generateName: `${ds.metadata!.name}-`, namespace: ds.metadata?.namespace, labels: tmeta.labels, ownerReferences: [ownerRef] };
        if (tmeta.annotations) meta.annotations = tmeta.annotations;
        if (tmeta.finalizers) meta.finalizers = tmeta.finalizers;
        try {
          const created = await podsClient.create({ apiVersion: 'v1', kind: 'Pod', metadata: meta as KubeObject['metadata'], spec });
          deps.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
        } catch (e) {
          deps.expectations.creationObserved(key);
          deps.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errMsg(e)}`);
          errors.push(e);
        }
      }),
      ...podsToDelete.map(async (pod) => {
        try {
          await podsClient.delete(pod.metadata?.namespace, pod.metadata!.name!, { preconditions: { uid: pod.metadata?.uid } });
          deps.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
        } catch (e) {
          deps.expectations.deletionObserved(key, pod.metadata?.uid ?? '');
          if (isNotFound(e)) return;
          deps.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errMsg(e)}`);
          errors.push(e);
        }
      }),
    ]);
    if (errors.length > 0) throw errors[0];
  };

  return async (key: string) => {
    const { namespace, name } = splitKey(key);
    const cached = deps.sets.getByName(namespace, name);
    if (!cached) {
      deps.expectations.forget(key);
      return;
    }
    const ds = cloneJson(cached);
    if (ds.metadata?.deletionTimestamp) return;
    const spec = obj(ds.spec);
    const selector = labelSelectorFromMeta(spec.selector);
    const matches = (o: KubeObject) => matchesLabels(selector, o.metadata?.labels);
    const ownerRef = controllerOwnerRef(ds, 'apps/v1', 'DaemonSet');
    const nodes = deps.nodes.list();
    const nodeNames = new Set(nodes.map((n) => n.metadata!.name!));
    const nowMs = deps.clock.now();
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    const generation = templateGeneration(ds);

    const pods = await claimObjects(deps.pods.list(namespace), { owner: ds, ownerRef, matches, client: podsClient });
    const revisions = await claimObjects(deps.revisions.list(namespace), { owner: ds, ownerRef, matches, client: revClient });
    const { old, hash } = await constructHistory(ds, revisions, pods);
    const fit = new Map<string, { shouldRun: boolean; shouldContinueRunning: boolean }>();
    for (const n of nodes) fit.set(n.metadata!.name!, nodeShouldRunDaemonPod(n, podSpecForNode(ds, n.metadata!.name!)));

    const acted = deps.expectations.satisfied(key);
    let syncError: unknown;
    if (acted) {
      try {
        // manage: one pod per eligible node, none elsewhere.
        const byNode = nodesToPods(pods, false);
        const create: string[] = [];
        const del: KubeObject[] = [];
        const surge = scaledValue(obj(obj(spec.updateStrategy).rollingUpdate).maxSurge, 1, true) > 0 && obj(spec.updateStrategy).type === 'RollingUpdate';
        for (const node of nodes) {
          const nodeName = node.metadata!.name!;
          const f = fit.get(nodeName)!;
          const nodePods = byNode.get(nodeName) ?? [];
          if (f.shouldRun && nodePods.length === 0) create.push(nodeName);
          else if (f.shouldContinueRunning) {
            const running: KubeObject[] = [];
            for (const p of nodePods) {
              if (p.metadata?.deletionTimestamp) continue;
              if (isFailed(p)) {
                const wait = inFailedBackoff(`${key}/${nodeName}`, nowMs);
                if (wait > 0) {
                  deps.requeueAfter(key, wait);
                  continue;
                }
                deps.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata?.namespace}/${p.metadata?.name} on node ${nodeName}, will try to kill it`);
                del.push(p);
              } else if (isSucceeded(p)) del.push(p);
              else running.push(p);
            }
            if (running.length <= 1) continue;
            const sorted = sortDaemonPods(running);
            if (!surge) {
              del.push(...sorted.slice(1));
              continue;
            }
            // With surge, an old and a new pod may coexist while the new one becomes ready.
            let oldestNew: KubeObject | undefined, oldestOld: KubeObject | undefined;
            for (const p of sorted) {
              if (p.metadata?.labels?.[REVISION_HASH_LABEL] === hash) {
                if (!oldestNew) {
                  oldestNew = p;
                  continue;
                }
              } else if (!oldestOld) {
                oldestOld = p;
                continue;
              }
              del.push(p);
            }
            if (oldestNew && oldestOld && (!isPodReadyish(oldestOld) || isPodReadyish(oldestNew))) del.push(oldestOld);
          } else {
            for (const p of nodePods) if (!p.metadata?.deletionTimestamp) del.push(p);
          }
        }
        // Unscheduled pods meant for nodes that no longer exist.
        for (const [nodeName, nodePods] of byNode) {
          if (nodeNames.has(nodeName)) continue;
          for (const p of nodePods) if (!(p.spec as Obj | undefined)?.nodeName && !p.metadata?.deletionTimestamp) del.push(p);
        }
        await syncNodes(key, ds, del, create, hash);

        if (deps.expectations.satisfied(key) && obj(spec.updateStrategy).type === 'RollingUpdate') {
          const desiredNodes = nodes.filter((n) => fit.get(n.metadata!.name!)!.shouldRun);
          const nodeToPods = nodesToPods(pods, false);
          for (const n of desiredNodes) if (!nodeToPods.has(n.metadata!.name!)) nodeToPods.set(n.metadata!.name!, []);
          const ru = obj(obj(spec.updateStrategy).rollingUpdate);
          let maxUnavailable = scaledValue(ru.maxUnavailable ?? 1, desiredNodes.length, true);
          const maxSurge = scaledValue(ru.maxSurge ?? 0, desiredNodes.length, true);
          if (desiredNodes.length > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
          const plan = planRollingUpdate({ nodeToPods, hash, generation, maxSurge, maxUnavailable, desired: desiredNodes.length, minReadySeconds: minReady, nowMs, shouldRun: (n) => fit.get(n)?.shouldRun ?? false });
          const byName = new Map(pods.map((p) => [p.metadata!.name!, p]));
          await syncNodes(key, ds, plan.deletePods.map((n) => byName.get(n)!).filter(Boolean), plan.createOnNodes, hash);
        }

        // cleanupHistory: beyond revisionHistoryLimit, drop old revisions no pod uses.
        const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : 10;
        let toKill = old.length - limit;
        if (toKill > 0) {
          const liveHashes = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL]).filter(Boolean));
          for (const r of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
            if (toKill <= 0) break;
            if (liveHashes.has(r.metadata?.labels?.[REVISION_HASH_LABEL])) continue;
            await revClient.delete(r.metadata?.namespace, r.metadata!.name!).catch((e: unknown) => {
              if (!isNotFound(e)) throw e;
            });
            toKill--;
          }
        }
      } catch (e) {
        syncError = e;
      }
    }

    const oldStatus = obj(cached.status);
    const status = computeDaemonSetStatus({
      nodes,
      nodeToPods: nodesToPods(deps.pods.list(namespace).filter((p) => p.metadata?.ownerReferences?.some((r) => r.controller && r.uid === ds.metadata?.uid)), false),
      shouldRun: (n) => fit.get(n.metadata!.name!)?.shouldRun ?? false,
      hash,
      generation,
      minReadySeconds: minReady,
      nowMs,
      observedGeneration: acted ? ds.metadata?.generation : (oldStatus.observedGeneration as number | undefined),
      collisionCount: typeof oldStatus.collisionCount === 'number' ? oldStatus.collisionCount : undefined,
      conditions: oldStatus.conditions,
    });
    if (daemonStatusChanged(oldStatus, status)) {
      const fresh = cloneJson(cached);
      fresh.status = status;
      try {
        await setsClient.updateStatus(fresh);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (syncError) throw syncError;
    // Availability after minReadySeconds needs another look even without events.
    if (minReady > 0 && pods.some((p) => isPodReadyish(p) && isPodUpdated(p, hash, generation))) deps.requeueAfter(key, minReady * 1000);
  };
}

function isPodReadyish(p: KubeObject): boolean {
  const conds = obj(p.status).conditions;
  return Array.isArray(conds) && conds.some((c) => obj(c).type === 'Ready' && obj(c).status === 'True');
}
