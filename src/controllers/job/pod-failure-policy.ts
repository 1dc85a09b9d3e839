// Matches a failed pod against a Job's podFailurePolicy (upstream's pod_failure_policy.go):
// the first rule whose exit codes or pod conditions match decides, and its text is what the
// Job's failure condition says.

import type { Pod, PodFailurePolicyRule } from './types.js';

export interface PolicyMatch {
  action: PodFailurePolicyRule['action'];
  /** The FailureTarget message for FailJob. */
  message: string;
}

function exitCodeMatch(pod: Pod, rule: NonNullable<PodFailurePolicyRule['onExitCodes']>): { name: string; code: number } | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    if (rule.containerName && rule.containerName !== cs.name) continue;
    const code = cs.state?.terminated?.exitCode;
    // Successful containers never count towards a rule, whatever the operator.
    if (code === undefined || code === 0) continue;
    const inValues = rule.values.includes(code);
    if (rule.operator === 'In' ? inValues : !inValues) return { name: cs.name, code };
  }
  return undefined;
}

export function matchPodFailurePolicy(rules: PodFailurePolicyRule[] | undefined, pod: Pod): PolicyMatch | undefined {
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  for (const [i, rule] of (rules ?? []).entries()) {
    if (rule.onExitCodes) {
      const m = exitCodeMatch(pod, rule.onExitCodes);
      if (m) return { action: rule.action, message: `Container ${m.name} for pod ${ns}/${name} failed with exit code ${m.code} matching ${rule.action} rule at index ${i}` };
    } else if (rule.onPodConditions) {
      for (const pc of rule.onPodConditions) {
        const want = pc.status ?? 'True';
        if ((pod.status?.conditions ?? []).some((c) => c.type === pc.type && c.status === want)) {
          return { action: rule.action, message: `Pod ${ns}/${name} has condition ${pc.type} matching ${rule.action} rule at index ${i}` };
        }
      }
    }
  }
  return undefined;
}
