// What the kubelet's streaming server needs from the kubelet core: its current view of a pod
// (spec and the status it reports, whose containerIDs are "<runtime>://<CRI container id>"), the
// pod's sandbox, and the runtime calls that do the work.

import type { KubeObject } from '../../api/object.js';
import type { RuntimeService } from '../cri/types.js';

export interface StreamingBackend {
  /** The pod as this kubelet runs it (spec + latest status), or undefined when it does not. */
  getPod(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The pod's ready sandbox, for port-forward; undefined when there is none. */
  sandboxId(pod: KubeObject): Promise<string | undefined>;
  runtime: Pick<RuntimeService, 'exec' | 'attach' | 'portForward' | 'containerStatus'>;
}

/** The authenticated caller of the kubelet API (from its client certificate). */
export interface KubeletUser { username: string; groups: string[] }

/** Upstream's kubelet authorization attributes: resource "nodes", subresource by path. */
export interface KubeletAuthzAttributes { user: KubeletUser; verb: string; resource: 'nodes'; subresource: string; name: string; path: string }
