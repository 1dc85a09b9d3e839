// A container of a pod as the CRI ContainerConfig the runtime creates (kuberuntime_container.go
// generateContainerConfig): the runAsNonRoot check against the image's user, the environment,
// command and args with $(VAR) expanded, the volume mounts and the termination-message file,
// the log path <name>/<restartCount>.log, labels and annotations, resources and security context.

import type { ContainerConfig, Image, Mount } from '../cri/types.js';
import type { Container, Pod } from '../types.js';
import { makeEnvironmentVariables, type EnvContext } from './env.js';
import { expand, mappingFor } from './expansion.js';
import { containerAnnotations, containerLabels } from './labels.js';
import { linuxResources } from './resources.js';
import { imageUser, linuxSecurityContext, verifyRunAsNonRoot } from './security-context.js';

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  image: Image;
  restartCount: number;
  env: EnvContext;
  qosClass: string;
  memoryCapacity: number;
  /** The container's volume mounts, given the expanded env (for subPathExpr). */
  mounts(env: Record<string, string>): Promise<Mount[]>;
  /** Host file bind-mounted at terminationMessagePath (created empty by the caller). */
  terminationMessageHostPath?: string;
}

export async function generateContainerConfig(i: ContainerConfigInput): Promise<ContainerConfig> {
  const { pod, container: c } = i;
  const user = imageUser(i.image);
  verifyRunAsNonRoot(pod, c, user);
  const envs = await makeEnvironmentVariables(pod, c, i.env);
  const envMap = new Map(envs.map((e) => [e.name, e.value]));
  const lookup = mappingFor(envMap);
  const mounts = await i.mounts(Object.fromEntries(envMap));
  if (i.terminationMessageHostPath) {
    const path = c.terminationMessagePath || '/dev/termination-log';
    if (!mounts.some((m) => m.containerPath === path)) mounts.push({ containerPath: path, hostPath: i.terminationMessageHostPath, readonly: false });
  }
  return {
    metadata: { name: c.name, attempt: i.restartCount },
    image: i.image.id,
    command: (c.command ?? []).map((x) => expand(x, lookup)),
    args: (c.args ?? []).map((x) => expand(x, lookup)),
    workingDir: c.workingDir ?? '',
    envs: envs.map((e) => ({ key: e.name, value: e.value })),
    mounts,
    labels: containerLabels(pod, c),
    annotations: containerAnnotations(pod, c, i.restartCount, i.terminationMessageHostPath),
    logPath: `${c.name}/${i.restartCount}.log`,
    stdin: c.stdin ?? false,
    stdinOnce: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: { resources: linuxResources(c, i.qosClass, i.memoryCapacity), securityContext: linuxSecurityContext(pod, c, user) },
  };
}
