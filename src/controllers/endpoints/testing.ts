// Helpers for in-process tests of the service and node controllers: pods and nodes made and
// moved through their states the way a kubelet would report them.

import type { KubeObject } from '../../api/object.js';
import type { ClientSet } from '../../client/clientset.js';

export interface TestPodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  nodeName?: string;
  tolerations?: Record<string, unknown>[];
  restartPolicy?: string;
}

export async function createPod(clients: ClientSet, name: string, o: TestPodOptions = {}): Promise<KubeObject> {
  return clients.resource('pods').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', labels: o.labels ?? {} },
    spec: {
      containers: [{ name: 'c', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
    },
  });
}

/** Reports the pod Running with an IP, Ready or not, as a kubelet's status update would. */
export async function setPodRunning(clients: ClientSet, namespace: string, name: string, ip: string, ready: boolean, at = new Date()): Promise<KubeObject> {
  const t = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return clients.resource('pods').patch(namespace, name, 'merge', {
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: t },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: t },
      ],
    },
  }, { subresource: 'status' });
}

export async function createNode(clients: ClientSet, name: string, extra: { labels?: Record<string, string>; ready?: boolean; taints?: Record<string, unknown>[] } = {}): Promise<KubeObject> {
  const node = await clients.resource('nodes').create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } },
    spec: extra.taints ? { taints: extra.taints } : {},
  });
  if (extra.ready === undefined) return node;
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return clients.resource('nodes').patch(undefined, name, 'merge', {
    status: { conditions: [{ type: 'Ready', status: extra.ready ? 'True' : 'False', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] },
  }, { subresource: 'status' });
}
