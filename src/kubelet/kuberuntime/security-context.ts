// securityContext of a pod and its container, merged (container wins) and turned into the CRI
// Linux security context; and the runAsNonRoot check the kubelet makes before it creates a
// container, with upstream's messages (they become CreateContainerConfigError).

import type { Image, LinuxContainerSecurityContext } from '../cri/types.js';
import type { Container, Pod } from '../types.js';
import { ContainerConfigError } from './env.js';

export const DEFAULT_MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface EffectiveSecurityContext { runAsUser?: number; runAsGroup?: number; runAsNonRoot?: boolean }

export function effectiveSecurityContext(pod: Pod, c: Container): EffectiveSecurityContext {
  const p = pod.spec.securityContext ?? {};
  const s = c.securityContext ?? {};
  return { runAsUser: s.runAsUser ?? p.runAsUser, runAsGroup: s.runAsGroup ?? p.runAsGroup, runAsNonRoot: s.runAsNonRoot ?? p.runAsNonRoot };
}

/** The image's user as CRI reports it: a numeric uid, or a name; no user means root. */
export function imageUser(image: Pick<Image, 'config'> | undefined): { uid?: number; username?: string } {
  const user = (image?.config.user ?? '').split(':')[0];
  if (user === '') return { uid: 0 };
  if (/^\d+$/.test(user)) return { uid: Number(user) };
  return { username: user };
}

export function podDesc(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** Throws ContainerConfigError when runAsNonRoot is asked for and the container would run as root. */
export function verifyRunAsNonRoot(pod: Pod, c: Container, user: { uid?: number; username?: string }): void {
  const sc = effectiveSecurityContext(pod, c);
  if (!sc.runAsNonRoot) return;
  const quoted = JSON.stringify(podDesc(pod));
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: ${quoted}, container: ${c.name})`);
    return;
  }
  if (user.uid === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: ${quoted}, container: ${c.name})`);
  if (user.uid === undefined && user.username) throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${user.username}), cannot verify user is non-root (pod: ${quoted}, container: ${c.name})`);
}

export function linuxSecurityContext(pod: Pod, c: Container, user: { uid?: number; username?: string }): LinuxContainerSecurityContext {
  const eff = effectiveSecurityContext(pod, c);
  const s = c.securityContext ?? {};
  const psc = pod.spec.securityContext ?? {};
  const privileged = s.privileged ?? false;
  const out: LinuxContainerSecurityContext = {
    privileged,
    readonlyRootfs: s.readOnlyRootFilesystem ?? false,
    capabilities: { addCapabilities: s.capabilities?.add ?? [], dropCapabilities: s.capabilities?.drop ?? [] },
    noNewPrivs: s.allowPrivilegeEscalation === false,
    maskedPaths: privileged || s.procMount === 'Unmasked' ? [] : DEFAULT_MASKED_PATHS,
    readonlyPaths: privileged || s.procMount === 'Unmasked' ? [] : DEFAULT_READONLY_PATHS,
  };
  if (eff.runAsUser !== undefined) out.runAsUser = eff.runAsUser;
  else if (user.uid !== undefined) out.runAsUser = user.uid;
  else if (user.username) out.runAsUsername = user.username;
  if (eff.runAsGroup !== undefined) out.runAsGroup = eff.runAsGroup;
  const groups: number[] = [];
  if (psc.fsGroup !== undefined) groups.push(psc.fsGroup);
  for (const g of psc.supplementalGroups ?? []) groups.push(g);
  if (groups.length) out.supplementalGroups = groups;
  return out;
}
