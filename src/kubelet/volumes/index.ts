// The kubelet's volume manager for one pod: sets up each volume under
// `<dataDir>/agent/pods/<uid>/volumes/<plugin>/<name>`, re-projects API data on refresh, and tears
// everything down when the pod is gone.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { writeAtomic, type Payload } from './atomic-writer.js';
import { memoryVolumeSize, setUpEmptyDir, unmountUnder } from './empty-dir.js';
import { ensureHostPath } from './host-path.js';
import { setVolumeOwnership } from './ownership.js';
import { podDir, pluginOf, volumeDir, volumeKind } from './paths.js';
import { aggregate, configMapPayload, DEFAULT_MODE, downwardAPIPayload, secretPayload } from './payload.js';
import { resolveClaim } from './pvc.js';
import { tokenRequiresRefresh } from './tokens.js';
import { newTokenCache, VolumeSetUpError, type PodSpec, type Volume, type VolumeDeps, type VolumeMount } from './types.js';

export { apiVolumeDeps } from './client-deps.js';
export { containerMounts, type ContainerFiles } from './mounts.js';
export { podDir, volumeDir } from './paths.js';
export { newTokenCache, VolumeSetUpError, type TokenCache, type TokenResult, type VolumeDeps, type VolumeMount } from './types.js';

const defaultTokens = newTokenCache();

/** The default the API gives projected tokens' expirationSeconds. */
const DEFAULT_TOKEN_SECONDS = 3600;

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && ((e as { code?: number }).code === 404 || (e as { reason?: string }).reason === 'NotFound');
}

/** Fetches an object; a missing one is undefined (getters may return undefined or throw NotFound). */
async function fetchOptional(get: () => Promise<KubeObject | undefined> | KubeObject | undefined): Promise<KubeObject | undefined> {
  try {
    return await get();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function getConfigMap(deps: VolumeDeps, ns: string, name: string, optional: boolean): Promise<KubeObject | undefined> {
  const cm = await fetchOptional(() => deps.getConfigMap(ns, name));
  if (!cm && !optional) throw new Error(`configmap "${name}" not found`);
  return cm;
}

async function getSecret(deps: VolumeDeps, ns: string, name: string, optional: boolean): Promise<KubeObject | undefined> {
  const s = await fetchOptional(() => deps.getSecret(ns, name));
  if (!s && !optional) throw new Error(`secret "${name}" not found`);
  return s;
}

const fsGroupOf = (pod: KubeObject) => ((pod.spec ?? {}) as PodSpec).securityContext?.fsGroup;

async function tokenFor(pod: KubeObject, vol: string, src: { audience?: string; expirationSeconds?: number; path: string }, deps: VolumeDeps): Promise<string> {
  const cache = deps.tokens ?? defaultTokens;
  const now = deps.now?.() ?? new Date();
  const uid = pod.metadata?.uid ?? '';
  const key = `${uid}/${vol}/${src.path}`;
  const cached = cache.get(key);
  if (cached && !tokenRequiresRefresh(new Date(cached.expirationTimestamp), cached.expirationSeconds, now)) return cached.token;
  const expirationSeconds = src.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
  const spec = (pod.spec ?? {}) as PodSpec;
  const res = await deps.requestToken(pod.metadata?.namespace ?? 'default', spec.serviceAccountName || 'default', {
    audiences: src.audience ? [src.audience] : [],
    expirationSeconds,
    boundPod: { name: pod.metadata?.name ?? '', uid },
  });
  cache.set(key, { token: res.token, expirationTimestamp: res.expirationTimestamp, expirationSeconds });
  return res.token;
}

/** The files of an API data volume (configMap, secret, downwardAPI, projected). */
export async function apiDataPayload(pod: KubeObject, v: Volume, deps: VolumeDeps): Promise<Payload> {
  const ns = pod.metadata?.namespace ?? 'default';
  if (v.configMap) {
    const s = v.configMap;
    const cm = await getConfigMap(deps, ns, s.name ?? '', !!s.optional);
    return configMapPayload(cm, s.items, s.defaultMode ?? DEFAULT_MODE, !!s.optional);
  }
  if (v.secret) {
    const s = v.secret;
    const secret = await getSecret(deps, ns, s.secretName ?? '', !!s.optional);
    return secretPayload(secret, s.items, s.defaultMode ?? DEFAULT_MODE, !!s.optional);
  }
  if (v.downwardAPI) return downwardAPIPayload(pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE, deps.nodeAllocatable);
  const defaultMode = v.projected?.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const errs: string[] = [];
  for (const src of v.projected?.sources ?? []) {
    try {
      let part: Payload = new Map();
      if (src.configMap) {
        const optional = !!src.configMap.optional;
        part = configMapPayload(await getConfigMap(deps, ns, src.configMap.name ?? '', optional), src.configMap.items, defaultMode, optional);
      } else if (src.secret) {
        const optional = !!src.secret.optional;
        part = secretPayload(await getSecret(deps, ns, src.secret.name ?? '', optional), src.secret.items, defaultMode, optional);
      } else if (src.downwardAPI) {
        part = downwardAPIPayload(pod, src.downwardAPI.items, defaultMode, deps.nodeAllocatable);
      } else if (src.serviceAccountToken) {
        // With an fsGroup the token is 0600 and ownership makes it 0640, as upstream.
        const mode = fsGroupOf(pod) !== undefined ? 0o600 : defaultMode;
        part.set(src.serviceAccountToken.path, { data: await tokenFor(pod, v.name, src.serviceAccountToken, deps), mode });
      }
      for (const [k, f] of part) payload.set(k, f);
    } catch (e) {
      errs.push(e instanceof Error ? e.message : String(e));
    }
  }
  const err = aggregate(errs);
  if (err) throw new Error(err);
  return payload;
}

async function setUpOne(pod: KubeObject, v: Volume, deps: VolumeDeps): Promise<VolumeMount> {
  const uid = pod.metadata?.uid ?? '';
  const fsGroup = fsGroupOf(pod);
  const plugin = pluginOf(v);
  const changePolicy = ((pod.spec ?? {}) as PodSpec).securityContext?.fsGroupChangePolicy;
  if (v.persistentVolumeClaim) {
    const m = await resolveClaim(pod, v.name, v.persistentVolumeClaim.claimName, !!v.persistentVolumeClaim.readOnly, deps);
    // Local PVs take the fsGroup, hostPath ones do not, as upstream's plugins.
    if (m.plugin === 'kubernetes.io~local-volume' && fsGroup !== undefined && !m.readOnly) await setVolumeOwnership(m.hostPath, fsGroup, false, changePolicy);
    return m;
  }
  if (!plugin) throw new Error(`volume type ${volumeKind(v)} is not supported by this node`);
  if (v.hostPath) {
    await ensureHostPath(v.hostPath.path, v.hostPath.type);
    return { name: v.name, plugin, hostPath: v.hostPath.path, readOnly: false };
  }
  const dir = volumeDir(deps.dataDir, uid, plugin, v.name);
  if (v.emptyDir) {
    const memory = v.emptyDir.medium === 'Memory';
    await setUpEmptyDir(dir, memory, memory ? memoryVolumeSize((pod.spec ?? {}) as PodSpec, v.emptyDir.sizeLimit, deps.nodeAllocatable) : undefined);
    if (fsGroup !== undefined) await setVolumeOwnership(dir, fsGroup, false, changePolicy);
    return { name: v.name, plugin, hostPath: dir, readOnly: false, ...(memory ? { tmpfs: true } : {}) };
  }
  const payload = await apiDataPayload(pod, v, deps);
  const written = await writeAtomic(dir, payload, deps.now?.());
  if (written && fsGroup !== undefined) await setVolumeOwnership(dir, fsGroup, true);
  return { name: v.name, plugin, hostPath: dir, readOnly: true };
}

/**
 * Sets up every volume of the pod (idempotent: a second call over live volumes changes nothing
 * that is current). Throws a VolumeSetUpError for the first volume that fails; the caller retries.
 */
export async function setUpVolumes(pod: KubeObject, deps: VolumeDeps): Promise<Map<string, VolumeMount>> {
  const out = new Map<string, VolumeMount>();
  for (const v of ((pod.spec ?? {}) as PodSpec).volumes ?? []) {
    try {
      out.set(v.name, await setUpOne(pod, v, deps));
    } catch (e) {
      if (e instanceof VolumeSetUpError) throw e;
      throw new VolumeSetUpError(v.name, e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}

/**
 * Re-projects configMap, secret, downwardAPI and projected volumes (tokens only when due), as the
 * kubelet's periodic resync does. Unchanged contents are not rewritten. Errors are per volume and
 * returned, not thrown: one failing volume must not hold back the others.
 */
export async function refreshVolumes(pod: KubeObject, deps: VolumeDeps): Promise<VolumeSetUpError[]> {
  const errs: VolumeSetUpError[] = [];
  const uid = pod.metadata?.uid ?? '';
  const fsGroup = fsGroupOf(pod);
  for (const v of ((pod.spec ?? {}) as PodSpec).volumes ?? []) {
    if (!(v.configMap || v.secret || v.downwardAPI || v.projected)) continue;
    try {
      const dir = volumeDir(deps.dataDir, uid, pluginOf(v)!, v.name);
      const written = await writeAtomic(dir, await apiDataPayload(pod, v, deps), deps.now?.());
      if (written && fsGroup !== undefined) await setVolumeOwnership(dir, fsGroup, true);
    } catch (e) {
      errs.push(new VolumeSetUpError(v.name, e instanceof Error ? e.message : String(e)));
    }
  }
  return errs;
}

/** Unmounts the pod's tmpfs volumes and removes its volume directories; host and PV paths stay. */
export async function tearDownVolumes(podUid: string, deps: Pick<VolumeDeps, 'dataDir' | 'tokens'>): Promise<void> {
  const dir = join(podDir(deps.dataDir, podUid), 'volumes');
  await unmountUnder(dir);
  await rm(dir, { recursive: true, force: true });
  (deps.tokens ?? defaultTokens).deletePod(podUid);
}
