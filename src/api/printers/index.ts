// Server-side printing entry point: which printer serves a group/resource, and the shared age
// helpers. Unknown resources (including CRDs without printer columns) get the default table.

import { certificateSigningRequestPrinter, csiDriverPrinter, csiNodePrinter, mutatingWebhookConfigurationPrinter, priorityClassPrinter, runtimeClassPrinter, validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter, validatingWebhookConfigurationPrinter, volumeAttachmentPrinter } from './admin-kinds.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { componentStatusPrinter } from './component-status.js';
import { configMapPrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import { defaultPrinter } from './default.js';
import { eventPrinter, eventsV1Printer } from './events.js';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import { namespacePrinter, nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { leasePrinter, podDisruptionBudgetPrinter } from './policy.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './service.js';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage.js';
import type { Printer } from './types.js';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  scalePrinter,
  statefulSetPrinter,
} from './workloads.js';

export type { Printer, TableColumnDefinition, TableRowCondition } from './types.js';
export { defaultPrinter } from './default.js';
export { formatRFC3339, humanDuration, translateTimestampSince } from './duration.js';

// Keyed by "group/resource"; the core group is "".
const printers: Record<string, Printer> = {
  '/pods': podPrinter,
  '/podtemplates': podTemplatePrinter,
  '/services': servicePrinter,
  '/endpoints': endpointsPrinter,
  '/nodes': nodePrinter,
  '/namespaces': namespacePrinter,
  '/events': eventPrinter,
  '/configmaps': configMapPrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  '/persistentvolumes': persistentVolumePrinter,
  '/persistentvolumeclaims': persistentVolumeClaimPrinter,
  '/resourcequotas': resourceQuotaPrinter,
  '/replicationcontrollers': replicationControllerPrinter,
  '/componentstatuses': componentStatusPrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'apps/controllerrevisions': controllerRevisionPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'coordination.k8s.io/leases': leasePrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  'rbac.authorization.k8s.io/rolebindings': roleBindingPrinter,
  'rbac.authorization.k8s.io/clusterrolebindings': clusterRoleBindingPrinter,
  'policy/poddisruptionbudgets': podDisruptionBudgetPrinter,
  'networking.k8s.io/ingresses': ingressPrinter,
  'networking.k8s.io/ingressclasses': ingressClassPrinter,
  'networking.k8s.io/networkpolicies': networkPolicyPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'storage.k8s.io/csidrivers': csiDriverPrinter,
  'storage.k8s.io/csinodes': csiNodePrinter,
  'storage.k8s.io/volumeattachments': volumeAttachmentPrinter,
  'events.k8s.io/events': eventsV1Printer,
  'scheduling.k8s.io/priorityclasses': priorityClassPrinter,
  'node.k8s.io/runtimeclasses': runtimeClassPrinter,
  'certificates.k8s.io/certificatesigningrequests': certificateSigningRequestPrinter,
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': mutatingWebhookConfigurationPrinter,
  'admissionregistration.k8s.io/validatingwebhookconfigurations': validatingWebhookConfigurationPrinter,
  'admissionregistration.k8s.io/validatingadmissionpolicies': validatingAdmissionPolicyPrinter,
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': validatingAdmissionPolicyBindingPrinter,
};

/**
 * The printer upstream uses for this resource; the NAME / CREATED AT default otherwise.
 * `resource` may name a subresource: "x/scale" prints a Scale, "x/status" prints as x.
 */
export function printerFor(group: string, resource: string): Printer {
  const [main, sub] = resource.split('/', 2);
  if (sub === 'scale') return scalePrinter;
  return printers[`${group}/${main}`] ?? defaultPrinter;
}

/** Whether the resource has a printer of its own (false means the default table). */
export function hasPrinter(group: string, resource: string): boolean {
  return `${group}/${resource}` in printers;
}
