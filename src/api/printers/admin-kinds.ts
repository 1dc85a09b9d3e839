// Rows for cluster-administration kinds that upstream prints but few clusters look at often:
// PriorityClass, RuntimeClass, CertificateSigningRequest, admission webhook configurations and
// policies, and the CSI objects.

import type { KubeObject } from '../object.js';
import { arr, get, has, num, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf } from './common.js';
import { humanDuration } from './duration.js';
import type { Printer } from './types.js';

export const priorityClassPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Value', 'integer', 'Priority of pods using the class.'),
    col('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    ageColumn(),
    col('PreemptionPolicy', 'string', 'Whether pods of the class may preempt others.'),
  ],
  cells: (pc, now) => [nameOf(pc), num(pc, 'value'), get(pc, 'globalDefault') === true, ageOf(pc, now), str(pc, 'preemptionPolicy')],
};

export const runtimeClassPrinter: Printer = {
  columns: [nameColumn(), col('Handler', 'string', 'Container runtime handler.'), ageColumn()],
  cells: (rc, now) => [nameOf(rc), str(rc, 'handler'), ageOf(rc, now)],
};

/** extractCSRStatus: Denied, else Approved, else Pending; then ",Failed" and ",Issued". */
function csrStatus(csr: KubeObject): string {
  const types = arr(csr, 'status', 'conditions').map((c) => str(c, 'type'));
  let status = types.includes('Denied') ? 'Denied' : types.includes('Approved') ? 'Approved' : 'Pending';
  if (types.includes('Failed')) status += ',Failed';
  if (str(csr, 'status', 'certificate') !== '') status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    nameColumn(),
    ageColumn(),
    col('SignerName', 'string', 'Signer asked to issue the certificate.'),
    col('Requestor', 'string', 'User who created the request.'),
    col('RequestedDuration', 'string', 'Requested validity of the certificate.'),
    col('Condition', 'string', 'Approval and issuance state.'),
  ],
  cells(csr, now) {
    const requested = has(csr, 'spec', 'expirationSeconds') ? humanDuration(num(csr, 'spec', 'expirationSeconds') * 1000) : '<none>';
    return [nameOf(csr), ageOf(csr, now), str(csr, 'spec', 'signerName') || '<none>', str(csr, 'spec', 'username'), requested, csrStatus(csr)];
  },
};

const webhookConfigurationPrinter: Printer = {
  columns: [nameColumn(), col('Webhooks', 'integer', 'Number of webhooks in the configuration.'), ageColumn()],
  cells: (w, now) => [nameOf(w), arr(w, 'webhooks').length, ageOf(w, now)],
};
export const mutatingWebhookConfigurationPrinter = webhookConfigurationPrinter;
export const validatingWebhookConfigurationPrinter = webhookConfigurationPrinter;

export const validatingAdmissionPolicyPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Validations', 'integer', 'Number of validation rules.'),
    col('ParamKind', 'string', 'Kind of the parameter resource.'),
    ageColumn(),
  ],
  cells(p, now) {
    const paramKind = has(p, 'spec', 'paramKind') ? `${str(p, 'spec', 'paramKind', 'apiVersion')}/${str(p, 'spec', 'paramKind', 'kind')}` : '<unset>';
    return [nameOf(p), arr(p, 'spec', 'validations').length, paramKind, ageOf(p, now)];
  },
};

export const validatingAdmissionPolicyBindingPrinter: Printer = {
  columns: [
    nameColumn(),
    col('PolicyName', 'string', 'Policy the binding applies.'),
    col('ParamRef', 'string', 'Parameter resource the binding passes.'),
    ageColumn(),
  ],
  cells(b, now) {
    let param = '<unset>';
    const pr = get(b, 'spec', 'paramRef');
    if (pr !== undefined && pr !== null) {
      if (str(pr, 'name') !== '') param = str(pr, 'namespace') !== '' ? `${str(pr, 'namespace')}/${str(pr, 'name')}` : `*/${str(pr, 'name')}`;
      else if (has(pr, 'selector')) param = selectorText(get(pr, 'selector'));
    }
    return [nameOf(b), str(b, 'spec', 'policyName'), param, ageOf(b, now)];
  },
};

// metav1.LabelSelector.String() is Go's struct dump; only matchLabels are rendered here.
function selectorText(sel: unknown): string {
  const ml = get(sel, 'matchLabels');
  const labels = ml && typeof ml === 'object' ? Object.entries(ml as Record<string, unknown>).map(([k, v]) => `${k}:${String(v)},`).sort().join('') : '';
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{},}`;
}

export const csiDriverPrinter: Printer = {
  columns: [
    nameColumn(),
    col('AttachRequired', 'boolean', 'Whether volumes need an attach step.'),
    col('PodInfoOnMount', 'boolean', 'Whether pod details are passed on mount.'),
    col('StorageCapacity', 'boolean', 'Whether the driver reports storage capacity.'),
    col('TokenRequests', 'string', 'Audiences of service account tokens passed to the driver.'),
    col('RequiresRepublish', 'boolean', 'Whether volumes are periodically republished.'),
    col('Modes', 'string', 'Volume lifecycle modes the driver supports.'),
    ageColumn(),
  ],
  cells(d, now) {
    const attach = has(d, 'spec', 'attachRequired') ? get(d, 'spec', 'attachRequired') === true : true;
    const tokens = has(d, 'spec', 'tokenRequests') ? arr(d, 'spec', 'tokenRequests').map((t) => str(t, 'audience')).join(',') : '<unset>';
    const modes = arr(d, 'spec', 'volumeLifecycleModes').map(String).join(',') || '<none>';
    return [
      nameOf(d),
      attach,
      get(d, 'spec', 'podInfoOnMount') === true,
      get(d, 'spec', 'storageCapacity') === true,
      tokens,
      get(d, 'spec', 'requiresRepublish') === true,
      modes,
      ageOf(d, now),
    ];
  },
};

export const csiNodePrinter: Printer = {
  columns: [nameColumn(), col('Drivers', 'integer', 'CSI drivers registered on the node.'), ageColumn()],
  cells: (n, now) => [nameOf(n), arr(n, 'spec', 'drivers').length, ageOf(n, now)],
};

export const volumeAttachmentPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Attacher', 'string', 'Driver that attaches the volume.', 0, 'name'),
    col('PV', 'string', 'Persistent volume being attached.'),
    col('Node', 'string', 'Node the volume is attached to.'),
    col('Attached', 'boolean', 'Whether the attach operation succeeded.'),
    ageColumn(),
  ],
  cells: (va, now) => [
    nameOf(va),
    str(va, 'spec', 'attacher'),
    str(va, 'spec', 'source', 'persistentVolumeName'),
    str(va, 'spec', 'nodeName'),
    get(va, 'status', 'attached') === true,
    ageOf(va, now),
  ],
};
