// One Deployment sync (deployment_controller.go syncDeployment): claim ReplicaSets, record
// pause/resume, then either scale (paused, or only replicas changed) or roll out per strategy.

import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import { splitKey, type Informer } from '../../client/informer.js';
import { claimObjects, controllerOf, newControllerRef } from '../util/owners.js';
import { rolloutRecreate, rolloutRolling } from './rollout.js';
import { deploymentStatus, getCondition, newCondition, progressDeadline, REASONS, setCondition } from './status.js';
import { DeploymentSync, type SyncDeps } from './sync.js';
import { activeOf, DESIRED_REPLICAS, isRollingUpdate, replicas, spec, type Obj } from './util.js';

export interface DeploymentDeps extends SyncDeps {
  dInformer: Informer;
  rsInformer: Informer;
  podInformer: Informer;
}

function selectorIsEmpty(sel: unknown): boolean {
  const s = (sel as Obj | undefined) ?? {};
  return !Object.keys((s.matchLabels as Obj | undefined) ?? {}).length && !((s.matchExpressions as unknown[] | undefined) ?? []).length;
}

export async function syncDeployment(deps: DeploymentDeps, key: string): Promise<void> {
  const cached = deps.dInformer.get(key);
  if (!cached) return;
  const s = new DeploymentSync(deps, cloneJson(cached));
  const d = () => s.d;
  const { namespace, name } = splitKey(key);

  if (selectorIsEmpty(spec(d()).selector)) {
    deps.recorder.event(d(), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    const st = deploymentStatus(d());
    if ((st.observedGeneration ?? 0) < (d().metadata?.generation ?? 0)) await s.updateStatus({ ...cloneJson(st), observedGeneration: d().metadata?.generation });
    return;
  }
  const selector = labelSelectorFromMeta(spec(d()).selector);
  const rsList = await claimObjects(deps.rsInformer.list(namespace), {
    owner: d(),
    ownerRef: newControllerRef(d(), 'apps/v1', 'Deployment'),
    matches: (rs) => matchesLabels(selector, rs.metadata?.labels),
    client: deps.rsClient,
    canAdopt: async () => {
      try {
        const fresh = await deps.dClient.get(namespace, name);
        return fresh.metadata?.uid === cached.metadata?.uid && !fresh.metadata?.deletionTimestamp;
      } catch {
        return false;
      }
    },
  });

  if (d().metadata?.deletionTimestamp) {
    const { newRS, oldRSs } = await s.allReplicaSets(rsList, false);
    return s.syncStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }

  // Pause and resume show in Progressing (checkPausedConditions).
  if (progressDeadline(d()) !== undefined) {
    const st = cloneJson(deploymentStatus(d()));
    const cond = getCondition(st, 'Progressing');
    const pausedShown = cond?.reason === REASONS.paused;
    const paused = !!spec(d()).paused;
    let change = false;
    if (paused && !pausedShown) {
      setCondition(st, newCondition('Progressing', 'Unknown', REASONS.paused, 'Deployment is paused', deps.now()));
      change = true;
    } else if (!paused && pausedShown) {
      setCondition(st, newCondition('Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed', deps.now()));
      change = true;
    }
    if (change) await s.updateStatus(st);
  }

  if (spec(d()).paused) return s.syncScale(rsList);

  // A scaling event: an active set's desired-replicas annotation differs from spec.replicas.
  const { newRS, oldRSs } = await s.allReplicaSets(rsList, false);
  const scaling = activeOf([...oldRSs, newRS]).some((rs) => {
    const v = rs.metadata?.annotations?.[DESIRED_REPLICAS];
    return v !== undefined && Number.isInteger(Number(v)) && Number(v) !== replicas(d());
  });
  if (scaling) return s.syncScale(rsList);

  if (isRollingUpdate(d())) return rolloutRolling(s, rsList);
  const uids = new Set(rsList.map((rs) => rs.metadata!.uid!));
  const podsByRS = new Map<string, KubeObject[]>();
  for (const p of deps.podInformer.list(namespace)) {
    const uid = controllerOf(p)?.uid;
    if (!uid || !uids.has(uid) || !matchesLabels(selector, p.metadata?.labels)) continue;
    podsByRS.set(uid, [...(podsByRS.get(uid) ?? []), p]);
  }
  return rolloutRecreate(s, rsList, podsByRS);
}
