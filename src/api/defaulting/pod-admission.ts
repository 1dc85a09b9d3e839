// What upstream's admission plugins add to a Pod on create: ServiceAccount (name + token volume),
// DefaultTolerationSeconds and Priority. The coordinator calls these after defaulting.

import type { KubeObject } from '../object.js';
import { ensureObj, arrAt } from './util.js';
import type { Obj } from './util.js';

const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator's 5-character suffix. */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

export interface ServiceAccountAdmissionOptions {
  /** The ServiceAccount's own automountServiceAccountToken (undefined = not set). */
  serviceAccountAutomount?: boolean;
  /** Fixed suffix for the kube-api-access volume (tests); random otherwise. */
  suffix?: string;
}

/**
 * ServiceAccount admission: serviceAccountName defaults to `default` (the v1 wire form also carries
 * the deprecated `serviceAccount`), and unless automount is off, a projected token volume
 * `kube-api-access-xxxxx` is added and mounted read-only in every container.
 */
export function admitPodServiceAccount(pod: KubeObject, opts: ServiceAccountAdmissionOptions = {}): void {
  const spec = ensureObj(pod as Obj, 'spec');
  if (!spec.serviceAccountName) spec.serviceAccountName = typeof spec.serviceAccount === 'string' && spec.serviceAccount ? spec.serviceAccount : 'default';
  spec.serviceAccount = spec.serviceAccountName;
  const automount = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : opts.serviceAccountAutomount ?? true;
  if (!automount) return;
  const containers = [...arrAt(spec, 'initContainers'), ...arrAt(spec, 'containers'), ...arrAt(spec, 'ephemeralContainers')];
  const alreadyMounted = (c: Obj) => arrAt(c, 'volumeMounts').some((m) => m.mountPath === tokenMountPath);
  if (containers.every(alreadyMounted)) return;
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
  const name = `kube-api-access-${opts.suffix ?? randomSuffix()}`;
  volumes.push({
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  });
  spec.volumes = volumes;
  for (const c of containers) {
    if (alreadyMounted(c)) continue;
    const mounts = Array.isArray(c.volumeMounts) ? (c.volumeMounts as unknown[]) : [];
    mounts.push({ mountPath: tokenMountPath, name, readOnly: true });
    c.volumeMounts = mounts;
  }
}

const notReady = 'node.kubernetes.io/not-ready';
const unreachable = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds admission: tolerate not-ready/unreachable NoExecute taints for 300s unless already tolerated. */
export function admitDefaultTolerations(pod: KubeObject, seconds = 300): void {
  const spec = ensureObj(pod as Obj, 'spec');
  const tolerations = arrAt(spec, 'tolerations');
  const tolerates = (key: string) =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect) && (t.operator === 'Exists' || !t.key || t.operator === undefined || t.operator === 'Equal'));
  const add: Obj[] = [];
  if (!tolerates(notReady)) add.push({ key: notReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  if (!tolerates(unreachable)) add.push({ key: unreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  if (add.length) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...add];
}

/** Built-in PriorityClasses; others are looked up by the caller. */
export const systemPriorityClasses: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/**
 * Priority admission: resolves spec.priority from priorityClassName (0 without one) and defaults
 * preemptionPolicy. Returns upstream's error text when the class is unknown.
 */
export function admitPodPriority(pod: KubeObject, lookup: (name: string) => { value: number; preemptionPolicy?: string } | undefined = () => undefined): string | undefined {
  const spec = ensureObj(pod as Obj, 'spec');
  const cls = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  let value = 0;
  let policy = 'PreemptLowerPriority';
  if (cls) {
    const found = systemPriorityClasses[cls] !== undefined ? { value: systemPriorityClasses[cls] } : lookup(cls);
    if (!found) return `no PriorityClass with name ${cls} was found`;
    value = found.value;
    if ('preemptionPolicy' in found && found.preemptionPolicy) policy = found.preemptionPolicy;
  }
  if (typeof spec.priority === 'number' && spec.priority !== value) return 'the integer value of priority (' + spec.priority + ') must not be provided in pod spec; priority admission controller computed ' + value + ' from the given PriorityClass name';
  spec.priority = value;
  if (!spec.preemptionPolicy) spec.preemptionPolicy = policy;
  return undefined;
}
