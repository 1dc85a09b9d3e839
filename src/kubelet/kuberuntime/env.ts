// A container's environment as the kubelet builds it (kubelet_pods.go makeEnvironmentVariables):
// envFrom sources first (with their prefix), then env in order, each value expanded against the
// variables before it; valueFrom reads the downward API, resources, ConfigMaps and Secrets.
// Service environment variables ({SVC}_SERVICE_HOST, docker links) are not generated.

import { integerValue, milliValue, parseQuantity, type Quantity } from '../../api/validation/quantity.js';
import type { Container, Pod } from '../types.js';
import { expand, mappingFor } from './expansion.js';

/** Where ConfigMap and Secret data come from; undefined when the object does not exist. */
export interface EnvSources {
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Decoded secret data. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

export interface EnvContext {
  podIPs: string[];
  hostIPs: string[];
  nodeName: string;
  /** Node allocatable, for resourceFieldRef limits a container does not set. */
  allocatable: Record<string, string>;
  sources: EnvSources;
  /** Told about envFrom keys that were skipped (the InvalidEnvironmentVariableNames event). */
  onSkippedKeys?(message: string): void;
}

/** Thrown for a CreateContainerConfigError. */
export class ContainerConfigError extends Error {}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function q(v: string | number | undefined): Quantity | undefined {
  if (v === undefined) return undefined;
  const r = parseQuantity(v);
  return r.ok ? r.quantity : undefined;
}

function fieldValue(pod: Pod, path: string, ctx: EnvContext): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec.nodeName ?? ctx.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
      return ctx.hostIPs[0] ?? '';
    case 'status.hostIPs':
      return ctx.hostIPs.join(',');
    case 'status.podIP':
      return ctx.podIPs[0] ?? '';
    case 'status.podIPs':
      return ctx.podIPs.join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

/** resourceFieldRef: the value divided by the divisor, rounded up (limits fall back to node allocatable). */
export function resourceFieldValue(pod: Pod, container: Container, ref: { containerName?: string; resource: string; divisor?: string | number }, allocatable: Record<string, string>): string {
  const c = ref.containerName ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === ref.containerName) : container;
  if (!c) throw new ContainerConfigError(`container ${ref.containerName} not found`);
  const [kind, name] = ref.resource.split('.', 2) as [string, string];
  let raw = kind === 'limits' ? c.resources?.limits?.[name] : kind === 'requests' ? c.resources?.requests?.[name] : undefined;
  if (raw === undefined && kind === 'limits') raw = allocatable[name];
  const value = q(raw) ?? q(0)!;
  const divisor = q(ref.divisor ?? '1') ?? q(1)!;
  // CPU divides in millicores, so a divisor of 1m gives millicores.
  const scaled = name === 'cpu' ? milliValue : integerValue;
  const d = scaled(divisor);
  const v = scaled(value);
  return String(d === 0n ? 0n : (v + d - 1n) / d);
}

/** Where env values come from besides the spec, with the names upstream's messages give them. */
interface Source {
  kind: 'configMap' | 'secret';
  lower: string;
  title: string;
}
const CONFIG_MAP: Source = { kind: 'configMap', lower: 'configmap', title: 'ConfigMap' };
const SECRET: Source = { kind: 'secret', lower: 'secret', title: 'Secret' };

/** The container's environment, in order, as name/value pairs. */
export async function makeEnvironmentVariables(pod: Pod, container: Container, ctx: EnvContext): Promise<{ name: string; value: string }[]> {
  const ns = pod.metadata.namespace;
  const env = new Map<string, string>();
  const fetched = new Map<string, Record<string, string> | undefined>();
  // A missing source fails the container unless the reference is optional (then: undefined).
  const dataOf = async (source: Source, ref: { name?: string; optional?: boolean }) => {
    const name = ref.name ?? '';
    const key = `${source.kind}/${name}`;
    if (!fetched.has(key)) fetched.set(key, await ctx.sources[source.kind](ns, name));
    const data = fetched.get(key);
    if (!data && !ref.optional) throw new ContainerConfigError(`${source.lower} "${name}" not found`);
    return data;
  };

  for (const from of container.envFrom ?? []) {
    const source = from.configMapRef ? CONFIG_MAP : from.secretRef ? SECRET : undefined;
    const ref = from.configMapRef ?? from.secretRef;
    if (!source || !ref) continue;
    const data = await dataOf(source, ref);
    if (!data) continue;
    const invalid: string[] = [];
    for (const [k, v] of Object.entries(data)) {
      const key = (from.prefix ?? '') + k;
      if (!ENV_NAME.test(key)) {
        invalid.push(k);
        continue;
      }
      env.set(key, v);
    }
    if (invalid.length) {
      invalid.sort();
      ctx.onSkippedKeys?.(`Keys [${invalid.join(', ')}] from the EnvFrom ${source.kind} ${ns}/${ref.name ?? ''} were skipped since they are considered invalid environment variable names.`);
    }
  }

  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    let value: string | undefined;
    if (!vf) {
      value = expand(e.value ?? '', mappingFor(env));
    } else if (vf.fieldRef) {
      value = fieldValue(pod, vf.fieldRef.fieldPath, ctx);
    } else if (vf.resourceFieldRef) {
      value = resourceFieldValue(pod, container, vf.resourceFieldRef, ctx.allocatable);
    } else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const source = vf.configMapKeyRef ? CONFIG_MAP : SECRET;
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const data = await dataOf(source, ref);
      if (!data) continue;
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${source.title} ${ns}/${ref.name ?? ''}`);
      }
      value = data[ref.key];
    }
    if (value !== undefined) env.set(e.name, value);
  }
  return [...env].map(([name, value]) => ({ name, value }));
}
