// The two rollout strategies (deployment/rolling.go and recreate.go): RollingUpdate scales the new
// set up within maxSurge and old sets down within maxUnavailable; Recreate scales old sets to zero,
// waits for their pods to go, then scales the new set up.

import type { KubeObject } from '../../api/object.js';
import { podPhase } from '../util/pods.js';
import { deploymentComplete } from './status.js';
import type { DeploymentSync } from './sync.js';
import { activeOf, byCreation, maxUnavailable, newRSNewReplicas, num, replicas, statusOf, sumSpec, sumStatus } from './util.js';

function present(rss: (KubeObject | undefined)[]): KubeObject[] {
  return rss.filter((x): x is KubeObject => !!x);
}

async function reconcileNewReplicaSet(s: DeploymentSync, all: KubeObject[], newRS: KubeObject): Promise<boolean> {
  const want = replicas(s.d);
  if (replicas(newRS) === want) return false;
  if (replicas(newRS) > want) return (await s.scaleAndRecord(newRS, want)).scaled;
  return (await s.scaleAndRecord(newRS, newRSNewReplicas(s.d, all, newRS))).scaled;
}

async function reconcileOldReplicaSets(s: DeploymentSync, all: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject): Promise<boolean> {
  const oldCount = sumSpec(oldRSs);
  if (oldCount === 0) return false;
  const allCount = sumSpec(all);
  const minAvailable = replicas(s.d) - maxUnavailable(s.d);
  const newUnavailable = replicas(newRS) - num(statusOf(newRS), 'availableReplicas');
  const maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  // First, old pods that are not available anyway.
  const olds = [...oldRSs].sort(byCreation);
  let cleaned = 0;
  for (let i = 0; i < olds.length && cleaned < maxScaledDown; i++) {
    const rs = olds[i];
    const avail = num(statusOf(rs), 'availableReplicas');
    if (replicas(rs) === 0 || replicas(rs) === avail) continue;
    const n = Math.min(maxScaledDown - cleaned, replicas(rs) - avail);
    olds[i] = (await s.scaleAndRecord(rs, replicas(rs) - n)).rs;
    cleaned += n;
  }

  // Then, as far as availability allows.
  const allNow = [...olds, newRS];
  const available = sumStatus(allNow, 'availableReplicas');
  let scaledDown = 0;
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of [...olds].sort(byCreation)) {
      if (scaledDown >= total) break;
      if (replicas(rs) === 0) continue;
      const n = Math.min(replicas(rs), total - scaledDown);
      await s.scaleAndRecord(rs, replicas(rs) - n);
      scaledDown += n;
    }
  }
  return cleaned + scaledDown > 0;
}

export async function rolloutRolling(s: DeploymentSync, rsList: KubeObject[]): Promise<void> {
  const { newRS, oldRSs } = await s.allReplicaSets(rsList, true);
  const nrs = newRS!;
  const all = [...oldRSs, nrs];
  if (await reconcileNewReplicaSet(s, all, nrs)) return s.syncRolloutStatus(all, nrs);
  if (await reconcileOldReplicaSets(s, all, activeOf(oldRSs), nrs)) return s.syncRolloutStatus(all, nrs);
  if (deploymentComplete(s.d, (s.d.status as object | undefined) ?? {})) await s.cleanup(oldRSs);
  return s.syncRolloutStatus(all, nrs);
}

/** Old pods still present (other than finished ones) block a Recreate scale-up. */
function oldPodsRunning(newRS: KubeObject | undefined, oldRSs: KubeObject[], podsByRS: Map<string, KubeObject[]>): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    for (const p of pods) {
      const phase = podPhase(p);
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}

export async function rolloutRecreate(s: DeploymentSync, rsList: KubeObject[], podsByRS: Map<string, KubeObject[]>): Promise<void> {
  let { newRS, oldRSs } = await s.allReplicaSets(rsList, false);
  let all = present([...oldRSs, newRS]);
  let scaledDown = false;
  for (const rs of activeOf(oldRSs)) if ((await s.scaleAndRecord(rs, 0)).scaled) scaledDown = true;
  if (scaledDown) return s.syncRolloutStatus(all, newRS);
  if (oldPodsRunning(newRS, oldRSs, podsByRS)) return s.syncRolloutStatus(all, newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = await s.allReplicaSets(rsList, true));
    all = present([...oldRSs, newRS]);
  }
  await s.scaleAndRecord(newRS!, replicas(s.d));
  if (deploymentComplete(s.d, (s.d.status as object | undefined) ?? {})) await s.cleanup(oldRSs);
  return s.syncRolloutStatus(all, newRS);
}
