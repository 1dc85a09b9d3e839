// The labels and annotations the kubelet puts on sandboxes and containers (upstream's
// kuberuntime/labels.go), and reading them back: after a restart they are all the kubelet
// knows about what it started (which pod, which container, which attempt, which spec).

import { createHash } from 'node:crypto';
import type { ContainerStatus as CriContainerStatus } from '../cri/types.js';
import type { Container, Pod, RuntimeContainer } from '../types.js';
import { normalizeImage } from './image-ref.js';

export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
export const CONTAINER_HASH = 'io.kubernetes.container.hash';
export const CONTAINER_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
export const POD_TERMINATION_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
export const POD_DELETION_GRACE = 'io.kubernetes.pod.deletionGracePeriod';
export const PRESTOP_HANDLER = 'io.kubernetes.container.preStopHandler';
export const CONTAINER_PORTS = 'io.kubernetes.container.ports';
/** k8ts additions: the spec's image (CRI reports only the image id) and the host file of the termination message. */
export const CONTAINER_IMAGE = 'k8ts.io/container.image';
export const TERMINATION_MESSAGE_HOST_PATH = 'k8ts.io/container.terminationMessageHostPath';

export function sandboxLabels(pod: Pod): Record<string, string> {
  return { ...(pod.metadata.labels ?? {}), [POD_NAME]: pod.metadata.name, [POD_NAMESPACE]: pod.metadata.namespace, [POD_UID]: pod.metadata.uid };
}

export function containerLabels(pod: Pod, c: Container): Record<string, string> {
  return { [CONTAINER_NAME]: c.name, [POD_NAME]: pod.metadata.name, [POD_NAMESPACE]: pod.metadata.namespace, [POD_UID]: pod.metadata.uid };
}

/** Upstream (1.31+) hashes only what cannot change without a new container: name and image. */
export function containerHash(c: Container): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(JSON.stringify({ name: c.name, image: c.image ?? '' }))) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

export function containerAnnotations(pod: Pod, c: Container, restartCount: number, terminationHostPath?: string): Record<string, string> {
  const a: Record<string, string> = {
    [CONTAINER_HASH]: containerHash(c),
    [CONTAINER_RESTART_COUNT]: String(restartCount),
    [TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? '/dev/termination-log',
    [TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
    [CONTAINER_IMAGE]: normalizeImage(c.image ?? ''),
  };
  if (pod.metadata.deletionGracePeriodSeconds !== undefined && pod.metadata.deletionGracePeriodSeconds !== null) a[POD_DELETION_GRACE] = String(pod.metadata.deletionGracePeriodSeconds);
  if (pod.spec.terminationGracePeriodSeconds !== undefined) a[POD_TERMINATION_GRACE] = String(pod.spec.terminationGracePeriodSeconds);
  if (c.lifecycle?.preStop) a[PRESTOP_HANDLER] = JSON.stringify(c.lifecycle.preStop);
  if (c.ports?.length) a[CONTAINER_PORTS] = JSON.stringify(c.ports);
  if (terminationHostPath) a[TERMINATION_MESSAGE_HOST_PATH] = terminationHostPath;
  return a;
}

const ms = (ns: bigint): number => Number(ns / 1_000_000n);

/** A CRI container status as the kubelet sees it, with what its labels and annotations say. */
export function toRuntimeContainer(s: CriContainerStatus): RuntimeContainer {
  const state = s.state === 'CONTAINER_RUNNING' ? 'running' : s.state === 'CONTAINER_CREATED' ? 'created' : s.state === 'CONTAINER_EXITED' ? 'exited' : 'unknown';
  return {
    id: s.id,
    name: s.labels[CONTAINER_NAME] ?? s.metadata.name,
    state,
    createdAt: ms(s.createdAt),
    startedAt: ms(s.startedAt),
    finishedAt: ms(s.finishedAt),
    exitCode: s.exitCode,
    reason: s.reason,
    message: s.message,
    image: s.annotations[CONTAINER_IMAGE] ?? s.image,
    imageRef: s.imageRef,
    restartCount: Number(s.annotations[CONTAINER_RESTART_COUNT] ?? s.metadata.attempt) || 0,
    hash: s.annotations[CONTAINER_HASH] ?? '',
    cri: s,
  };
}

/** A short random-looking suffix for per-attempt host files (upstream uses random hex too). */
export function shortId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 8);
}
