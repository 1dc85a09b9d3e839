// What `kubectl get componentstatuses` reports, as pure functions. Upstream probes the
// scheduler's and controller manager's /healthz on 127.0.0.1 and each etcd server; k8ts has no
// such ports (its components may run in the server's worker thread or as separate processes), so
// a component counts as healthy while it holds and renews its leader-election Lease, and etcd-0
// is the storage check /readyz reports.

import { heldByOther } from '../../client/leader-election.js';
import type { KubeObject } from '../../api/object.js';

/** Upstream's probe.Result, the outcome of one check. */
export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

/** One check's outcome, as upstream's DoServerCheck returns it: (result, message, error). */
export interface Check {
  result: ProbeResult;
  message: string;
  error: string;
}

export interface ComponentCondition {
  type: 'Healthy';
  status: 'True' | 'False' | 'Unknown';
  message?: string;
  error?: string;
}

export interface ComponentStatus extends KubeObject {
  kind: 'ComponentStatus';
  apiVersion: 'v1';
  metadata: { name: string; creationTimestamp: null };
  conditions: ComponentCondition[];
}

export interface LeaseRef {
  namespace: string;
  name: string;
}

/** A component watched through its Lease; the order is the order the list reports. */
export interface LeaseComponent {
  name: string;
  lease: LeaseRef;
}

export const LEASE_COMPONENTS: readonly LeaseComponent[] = [
  { name: 'scheduler', lease: { namespace: 'kube-system', name: 'kube-scheduler' } },
  { name: 'controller-manager', lease: { namespace: 'kube-system', name: 'kube-controller-manager' } },
];

/** Upstream names storage servers etcd-<index>; k8ts has one store. */
export const STORAGE_COMPONENT = 'etcd-0';

/** The text /readyz prints for a failed storage check, reused as etcd-0's error. */
export const STORAGE_NOT_READY = 'storage not ready';

/** Upstream's warning for a deprecated kind (deprecation.WarningMessage); ComponentStatus since 1.19. */
export const DEPRECATION_WARNING = 'v1 ComponentStatus is deprecated in v1.19+';

/** The fields of a Lease's spec that leader election writes. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
}

/** How reading a Lease went: found (with its spec), absent, or failed. */
export type LeaseRead = { found: true; spec: LeaseSpec } | { found: false } | { error: string };

/**
 * A leader-elected component is healthy while someone holds its Lease and renewed it within
 * leaseDurationSeconds: the same test a rival candidate applies before taking the lease over.
 * Like upstream's failed HTTP probe, an unhealthy component's reason is the message and the
 * error stays empty; a lease that could not be read is Unknown with the error, as a probe error.
 */
export function leaseCheck(ref: LeaseRef, read: LeaseRead, nowMs: number): Check {
  const what = `lease ${ref.namespace}/${ref.name}`;
  if ('error' in read) return { result: 'Unknown', message: '', error: read.error };
  if (!read.found) return failure(`${what} not found`);
  const spec = read.spec;
  if (!spec.holderIdentity) return failure(`${what} has no holder`);
  // heldByOther(spec, '', now): held by anyone and still valid at now.
  if (heldByOther(spec, '', nowMs)) return { result: 'Success', message: 'ok', error: '' };
  const held = `${what} held by ${JSON.stringify(spec.holderIdentity)}`;
  const renewed = spec.renewTime ? Date.parse(spec.renewTime) : NaN;
  if (Number.isNaN(renewed)) return failure(`${held} was never renewed`);
  const ago = Math.floor((nowMs - renewed) / 1000);
  return failure(`${held} was last renewed ${ago}s ago, longer than its leaseDurationSeconds (${spec.leaseDurationSeconds ?? 15}s)`);
}

/** etcd-0: upstream's etcd check answers "ok" or fails with an error and no message. */
export function storageCheck(ready: boolean): Check {
  return ready ? { result: 'Success', message: 'ok', error: '' } : { result: 'Failure', message: '', error: STORAGE_NOT_READY };
}

function failure(message: string): Check {
  return { result: 'Failure', message, error: '' };
}

const CONDITION_STATUS: Record<ProbeResult, ComponentCondition['status']> = { Success: 'True', Failure: 'False', Unknown: 'Unknown' };

/** The object upstream builds from a check: one Healthy condition; empty message and error are omitted. */
export function componentStatus(name: string, check: Check): ComponentStatus {
  const condition: ComponentCondition = { type: 'Healthy', status: CONDITION_STATUS[check.result] };
  if (check.message) condition.message = check.message;
  if (check.error) condition.error = check.error;
  // Go's zero metav1.Time marshals as null: upstream's objects carry creationTimestamp: null.
  return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name, creationTimestamp: null }, conditions: [condition] };
}
