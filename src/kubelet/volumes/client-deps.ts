// VolumeDeps' API parts built on a ClientSet: object getters (NotFound → undefined) and the
// TokenRequest the kubelet makes for projected service account tokens.

import type { KubeObject } from '../../api/object.js';
import type { ClientSet, ResourceName } from '../../client/clientset.js';
import { isNotFound } from '../../client/informer.js';
import type { TokenResult, VolumeDeps } from './types.js';

type ApiDeps = Pick<VolumeDeps, 'getConfigMap' | 'getSecret' | 'getPersistentVolumeClaim' | 'getPersistentVolume' | 'requestToken'>;

export function apiVolumeDeps(clients: ClientSet): ApiDeps {
  const get = async (r: ResourceName, ns: string | undefined, name: string): Promise<KubeObject | undefined> => {
    try {
      return await clients.resource(r).get(ns, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  return {
    getConfigMap: (ns, name) => get('configmaps', ns, name),
    getSecret: (ns, name) => get('secrets', ns, name),
    getPersistentVolumeClaim: (ns, name) => get('persistentvolumeclaims', ns, name),
    getPersistentVolume: (name) => get('persistentvolumes', undefined, name),
    async requestToken(ns, sa, req): Promise<TokenResult> {
      const res = await clients.resource('serviceaccounts').createSubresource<{ status?: { token?: string; expirationTimestamp?: string } }>(ns, sa, 'token', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          audiences: req.audiences,
          expirationSeconds: req.expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: req.boundPod.name, uid: req.boundPod.uid },
        },
      });
      if (!res.status?.token || !res.status.expirationTimestamp) throw new Error(`failed to fetch token: the TokenRequest for ${ns}/${sa} returned no token`);
      return { token: res.status.token, expirationTimestamp: res.status.expirationTimestamp };
    },
  };
}
