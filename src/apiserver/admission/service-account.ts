// ServiceAccount admission for pods: the default account and the projected token volume
// (kube-api-access-xxxxx), honouring the account's automountServiceAccountToken.

import { admitPodServiceAccount } from '../../api/defaulting/index.js';
import type { AdmissionPlugin } from '../context.js';

export const serviceAccountAdmission: AdmissionPlugin = {
  name: 'ServiceAccount',
  async admit(a, server) {
    if (a.operation !== 'CREATE' || a.subresource || a.type.group !== '' || a.type.resource !== 'pods' || !a.object) return;
    const spec = (a.object.spec ?? {}) as { serviceAccountName?: string; serviceAccount?: string };
    const name = spec.serviceAccountName || spec.serviceAccount || 'default';
    const sa = await server.objectsOf('', 'serviceaccounts').tryGet(a.namespace, name);
    const automount = (sa as { automountServiceAccountToken?: boolean } | undefined)?.automountServiceAccountToken;
    admitPodServiceAccount(a.object, { serviceAccountAutomount: automount });
  },
};
