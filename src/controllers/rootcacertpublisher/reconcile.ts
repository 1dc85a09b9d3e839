// One namespace's sync: create the CA ConfigMap, or restore its data and description annotation.

import { StatusError } from '../../api/errors.js';
import { cloneJson, type KubeObject } from '../../api/object.js';
import type { ControllerContext } from '../framework/controller.js';
import { isNamespaceTerminating } from '../serviceaccount/reconcile.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Whether a ConfigMap already says exactly what the publisher would write. */
export function isCurrent(cm: KubeObject, caCert: string): boolean {
  const data = (cm.data ?? {}) as Record<string, string>;
  return Object.keys(data).length === 1 && data['ca.crt'] === caCert && !!cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION];
}

export async function publishRootCA(ctx: ControllerContext, caCert: string, namespace: string): Promise<void> {
  const client = ctx.clients.resource('configmaps');
  const cm = ctx.informers.informer('configmaps').getByName(namespace, ROOT_CA_CONFIGMAP);
  if (!cm) {
    try {
      await client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
        data: { 'ca.crt': caCert },
      });
    } catch (e) {
      // Upstream does not retry when the namespace is gone or terminating. AlreadyExists (the
      // cache is behind) is retried, so that a ConfigMap someone else made gets checked.
      if (e instanceof StatusError && e.code === 404) return;
      if (isNamespaceTerminating(e)) return;
      throw e;
    }
    return;
  }
  if (isCurrent(cm, caCert)) return;
  const next = cloneJson(cm);
  next.data = { 'ca.crt': caCert };
  next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION } };
  await client.update(next);
}
