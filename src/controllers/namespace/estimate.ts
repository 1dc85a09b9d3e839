// How long the pods of a terminating namespace may still take: the longest grace period of a
// running pod, or nothing once that long has passed since the namespace's deletion (upstream's
// estimateGracefulTermination).

import type { KubeObject } from '../../api/object.js';

export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function podTerminationEstimate(pods: KubeObject[], namespaceDeletedAt: string, nowMs: number): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    // Finished pods have nothing left to stop.
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const grace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds;
    if (grace === undefined) continue;
    estimate = Math.max(estimate, grace);
  }
  return nowMs - Date.parse(namespaceDeletedAt) >= estimate * 1000 ? 0 : estimate;
}
