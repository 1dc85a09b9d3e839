// Clients for the built-in resources, and informers shared between the components of one
// process (one list+watch per resource, however many controllers read it).

import { setMaxListeners } from 'node:events';
import type { KubeObject } from '../api/object.js';
import { Informer, type InformerOptions } from './informer.js';
import { ResourceClient, type ResourceRef } from './rest.js';
import type { Transport } from './transport.js';

const ref = (group: string, version: string, resource: string, namespaced = true): ResourceRef => ({ group, version, resource, namespaced });

/** The resources components work with, by plural name. */
export const RESOURCES = {
  pods: ref('', 'v1', 'pods'),
  nodes: ref('', 'v1', 'nodes', false),
  namespaces: ref('', 'v1', 'namespaces', false),
  services: ref('', 'v1', 'services'),
  endpoints: ref('', 'v1', 'endpoints'),
  events: ref('', 'v1', 'events'),
  configmaps: ref('', 'v1', 'configmaps'),
  secrets: ref('', 'v1', 'secrets'),
  serviceaccounts: ref('', 'v1', 'serviceaccounts'),
  persistentvolumeclaims: ref('', 'v1', 'persistentvolumeclaims'),
  persistentvolumes: ref('', 'v1', 'persistentvolumes', false),
  storageclasses: ref('storage.k8s.io', 'v1', 'storageclasses', false),
  resourcequotas: ref('', 'v1', 'resourcequotas'),
  limitranges: ref('', 'v1', 'limitranges'),
  podtemplates: ref('', 'v1', 'podtemplates'),
  replicationcontrollers: ref('', 'v1', 'replicationcontrollers'),
  deployments: ref('apps', 'v1', 'deployments'),
  replicasets: ref('apps', 'v1', 'replicasets'),
  statefulsets: ref('apps', 'v1', 'statefulsets'),
  daemonsets: ref('apps', 'v1', 'daemonsets'),
  controllerrevisions: ref('apps', 'v1', 'controllerrevisions'),
  jobs: ref('batch', 'v1', 'jobs'),
  cronjobs: ref('batch', 'v1', 'cronjobs'),
  leases: ref('coordination.k8s.io', 'v1', 'leases'),
  endpointslices: ref('discovery.k8s.io', 'v1', 'endpointslices'),
  poddisruptionbudgets: ref('policy', 'v1', 'poddisruptionbudgets'),
} as const;

export type ResourceName = keyof typeof RESOURCES;

export class ClientSet {
  constructor(
    readonly transport: Transport,
    /** fieldManager for writes, e.g. "kube-controller-manager". */
    readonly fieldManager?: string,
  ) {}

  resource<T extends KubeObject = KubeObject>(r: ResourceName | ResourceRef): ResourceClient<T> {
    return new ResourceClient<T>(this.transport, typeof r === 'string' ? RESOURCES[r] : r, this.fieldManager);
  }

  /** The same transport, writing under another field manager. */
  as(fieldManager: string): ClientSet {
    return new ClientSet(this.transport, fieldManager);
  }
}

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started?: AbortSignal;

  constructor(
    readonly clients: ClientSet,
    private readonly opts: Pick<InformerOptions, 'onError' | 'retryDelayMs'> = {},
  ) {}

  informer<T extends KubeObject = KubeObject>(r: ResourceName): Informer<T> {
    let inf = this.informers.get(r);
    if (!inf) {
      inf = new Informer(this.clients.resource(r), this.opts);
      this.informers.set(r, inf);
      if (this.started) void inf.run(this.started);
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer asked for so far, and later ones as they are asked for. */
  start(signal: AbortSignal): void {
    // Every watch of every informer listens on this one signal.
    setMaxListeners(0, signal);
    this.started = signal;
    for (const inf of this.informers.values()) void inf.run(signal);
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.synced));
  }
}
