// The node agent: the kubelet over the runc runtime, the image store, the pod network and the
// volume manager, plus the kubelet's HTTPS API the API server proxies logs, exec, attach and
// port-forward to. Runs inside `k8ts server` (in-process transport) or as `k8ts agent`.

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { ClientSet } from '../client/clientset.js';
import type { Transport } from '../client/transport.js';
import { ImageStore } from '../kubelet/images/image-service.js';
import { loadRegistriesConfig } from '../kubelet/images/registries.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { PodNetwork } from '../kubelet/network/pod-network.js';
import { cleanupOrphans } from '../kubelet/network/reconcile.js';
import { runtimeMissing } from '../kubelet/runtime/preconditions.js';
import { RuncRuntime } from '../kubelet/runtime/runc-runtime.js';
import type { PodNetworkResult } from '../kubelet/runtime/sandbox.js';
import { kubeletServer } from '../kubelet/server/server.js';
import { kubeletServingCert } from '../kubelet/serving-cert.js';
import { apiVolumeDeps, newTokenCache } from '../kubelet/volumes/index.js';
import { volumeHost } from '../kubelet/volumes/volume-host.js';
import type { Logger } from './log.js';

export interface AgentOptions {
  dataDir: string;
  transport: Transport;
  /** The cluster CA: the kubelet API accepts client certificates it signed (the API server's). */
  caCert: string;
  nodeName?: string;
  nodeIp?: string;
  kubeletPort: number;
  privateRegistry: string;
  /** Never fall back to a registry's own endpoint when its mirrors fail (tests: keep pulls on loopback). */
  mirrorsOnly?: boolean;
  clusterDns: string;
  clusterDomain: string;
  log: Logger;
}

/** What this host lacks for running pods; the agent does not start unless this is empty. */
export function agentPreconditions(): string[] {
  return runtimeMissing();
}

/**
 * Host-wide names (bridge, network namespaces, runc state) carry a short id derived from the
 * data dir, so two clusters on one machine (tests) never touch each other's pods.
 */
function instanceId(dataDir: string): string {
  return createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 6);
}

/** The host-wide names of one data dir's node. */
function hostNames(dataDir: string) {
  const id = instanceId(dataDir);
  return { runDir: `/run/k8ts/${id}`, bridge: `k8ts${id}`, netnsPrefix: `k8ts${id}-`, vethPrefix: `v${id}` };
}

function podNetwork(dataDir: string, podCidr: string, log: Logger): PodNetwork {
  const { bridge, netnsPrefix, vethPrefix } = hostNames(dataDir);
  return new PodNetwork({ podCidr, stateDir: join(dataDir, 'agent', 'network'), bridge, netnsPrefix, vethPrefix, log });
}

/**
 * Stops every pod this data dir's node runs and removes what they left on the host (network
 * namespaces, links, mounts, runtime state), as k3s-killall.sh does: for after `k8ts server` or
 * `k8ts agent` stopped, since pods outlive the agent on purpose.
 */
export async function killAll(dataDir: string, log: Logger): Promise<{ sandboxes: number; containers: number }> {
  const names = hostNames(dataDir);
  const network = podNetwork(dataDir, '10.0.0.0/24', log);
  const runtime = new RuncRuntime({
    stateDir: join(dataDir, 'agent'),
    images: new ImageStore({ dataDir }),
    runDir: names.runDir,
    network: { setUp: () => Promise.reject(new Error('stopping')), tearDown: (id) => network.tearDown(id) },
  });
  const containers = await runtime.listContainers();
  const sandboxes = await runtime.listPodSandbox();
  for (const c of containers) await runtime.stopContainer(c.id, 0).catch((e: unknown) => log('warn', 'stop failed', { container: c.id, error: String(e) }));
  for (const c of containers) await runtime.removeContainer(c.id).catch((e: unknown) => log('warn', 'remove failed', { container: c.id, error: String(e) }));
  for (const sb of sandboxes) {
    await runtime.stopPodSandbox(sb.id).catch((e: unknown) => log('warn', 'sandbox stop failed', { sandbox: sb.id, error: String(e) }));
    await runtime.removePodSandbox(sb.id).catch((e: unknown) => log('warn', 'sandbox remove failed', { sandbox: sb.id, error: String(e) }));
  }
  await cleanupOrphans(network, new Set());
  await network.removeBridge();
  rmSync(names.runDir, { recursive: true, force: true });
  return { sandboxes: sandboxes.length, containers: containers.length };
}

export async function runAgent(o: AgentOptions, signal: AbortSignal): Promise<void> {
  const log = o.log;
  const names = hostNames(o.dataDir);
  const agentDir = join(o.dataDir, 'agent');
  const nodeName = (o.nodeName ?? hostname()).toLowerCase();
  const registries = { ...loadRegistriesConfig(o.privateRegistry), ...(o.mirrorsOnly ? { disableDefaultEndpoint: true } : {}) };
  const images = new ImageStore({ dataDir: o.dataDir, registries, log });

  // The pod network needs the node's podCIDR, which node IPAM assigns after registration.
  let network: PodNetwork | undefined;
  let networkReady!: (n: PodNetwork) => void;
  const networkPromise = new Promise<PodNetwork>((r) => (networkReady = r));
  const runtime = new RuncRuntime({
    stateDir: agentDir,
    images,
    runDir: names.runDir,
    log: (msg) => log('info', msg),
    network: {
      setUp: async (sandboxId: string): Promise<PodNetworkResult> => (await networkPromise).setUp(sandboxId),
      tearDown: async (sandboxId: string) => (network ? network.tearDown(sandboxId) : undefined),
    },
  });
  const clients = new ClientSet(o.transport, 'kubelet');
  const volumes = volumeHost({ ...apiVolumeDeps(clients), dataDir: o.dataDir, nodeName, tokens: newTokenCache() });
  const kubelet = new Kubelet({
    nodeName,
    clients,
    runtime,
    images,
    dataDir: o.dataDir,
    volumes,
    log,
    nodeIP: o.nodeIp,
    kubeletPort: o.kubeletPort,
    clusterDns: [o.clusterDns],
    clusterDomain: o.clusterDomain,
    onPodCIDR: (cidr) => {
      if (network) return;
      const n = podNetwork(o.dataDir, cidr, log);
      void (async () => {
        // A crashed agent must not leak: addresses and links of sandboxes the runtime no longer has go.
        const known = new Set((await runtime.listPodSandbox()).map((s) => s.id));
        const removed = await cleanupOrphans(n, known);
        if (removed.sandboxes.length || removed.netns.length) log('info', 'removed leftovers of earlier pods', { ...removed });
        await n.ensureBridge();
        network = n;
        networkReady(n);
      })().catch((e: unknown) => log('error', 'pod network setup failed', { error: String(e) }));
    },
  });

  const tls = await kubeletServingCert(join(agentDir, 'pki'), nodeName, [...new Set([kubelet.nodeIP, '127.0.0.1'])]);
  const streaming = kubeletServer({
    nodeName,
    tls: { ...tls, ca: o.caCert },
    log: (msg, fields) => log('warn', msg, fields),
    backend: {
      getPod: async (ns, name) => kubelet.pods.getByName(ns, name) as KubeObject | undefined,
      sandboxId: async (pod) => {
        const uid = pod.metadata?.uid ?? '';
        const ready = (await runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid } })).filter((s) => s.state === 'SANDBOX_READY');
        return ready.sort((a, b) => Number(b.createdAt - a.createdAt))[0]?.id;
      },
      runtime,
    },
  });
  await new Promise<void>((res, rej) => {
    streaming.once('error', rej);
    streaming.listen(o.kubeletPort, kubelet.nodeIP, () => res());
  });
  log('info', 'node agent started', { node: nodeName, nodeIP: kubelet.nodeIP, kubeletPort: o.kubeletPort });
  try {
    await kubelet.run(signal);
  } finally {
    streaming.closeAllConnections();
    await new Promise<void>((r) => streaming.close(() => r()));
  }
}
