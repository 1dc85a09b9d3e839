// `k8ts server`: wires storage, the API server and (in later issues) controllers, scheduler and
// the local agent, and runs them until the signal aborts.

import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../api/registry/registry.js';
import { builtinResourceTypes } from '../api/registry/builtin.js';
import { namespaceLifecycle } from '../apiserver/admission/namespace-lifecycle.js';
import { defaultStorageClass } from '../apiserver/admission/default-storage-class.js';
import { limitRanger } from '../apiserver/admission/limit-ranger.js';
import { resourceQuota } from '../apiserver/admission/resource-quota.js';
import { runtimeClassAdmission } from '../apiserver/admission/runtime-class.js';
import { serviceAccountAdmission } from '../apiserver/admission/service-account.js';
import { DEFAULT_SERVICE_NETWORK, nthAddress, ServiceAllocator, serviceAllocation } from '../apiserver/admission/service-allocation.js';
import { ServiceAccountTokens } from '../apiserver/authn/service-account-tokens.js';
import { RbacAuthorizer } from '../apiserver/authz/rbac.js';
import { bootstrap } from '../apiserver/bootstrap/bootstrap.js';
import { makeServerContext } from '../apiserver/context.js';
import { ApiHandler } from '../apiserver/handler.js';
import { listen } from '../apiserver/listen.js';
import { withStrategies } from '../apiserver/strategies.js';
import { ensurePki } from '../apiserver/tls/pki.js';
import { inProcessTransport } from '../client/in-process.js';
import { openStore } from '../storage/open.js';
import type { AgentOptions } from './agent.js';
import { ComponentsThread } from './components-thread.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ensureNodeToken } from './node-token.js';
import type { Logger, LogLevel } from './log.js';

export interface ServerOptions {
  dataDir: string;
  httpsListenPort: number;
  bindAddress: string;
  writeKubeconfig: string;
  datastoreEndpoint?: string;
  disableAgent: boolean;
  serviceCidr: string;
  clusterCidr: string;
  /** Simulated nodes to register (0: none). */
  disableControllerManager: boolean;
  disableScheduler: boolean;
  simulatedNodes: number;
  simulatedFailingImages: string[];
  leaseDurationSeconds: number;
  /** The in-process node agent's settings (unless disableAgent). */
  agent: Omit<AgentOptions, 'dataDir' | 'transport' | 'caCert' | 'log'>;
  log: Logger;
  /** The least level `log` writes; the components' thread drops lower ones before sending them. */
  logLevel?: LogLevel;
}

/** The components' thread, started before the API server so its modules load meanwhile; none if nothing runs there. */
function componentsThread(opts: ServerOptions, caCert: string): ComponentsThread | undefined {
  const controllerManager = !opts.disableControllerManager;
  const scheduler = !opts.disableScheduler;
  if (!controllerManager && !scheduler && opts.simulatedNodes === 0) return undefined;
  return new ComponentsThread({
    controllerManager,
    scheduler,
    simulatedNodes: opts.simulatedNodes,
    simulatedFailingImages: opts.simulatedFailingImages,
    leaseDurationSeconds: opts.leaseDurationSeconds,
    clusterCidr: opts.clusterCidr,
    caCert,
    dataDir: opts.dataDir,
    logLevel: opts.logLevel ?? 'info',
  });
}

function runComponents(handler: ApiHandler, opts: ServerOptions, caCert: string, thread: ComponentsThread | undefined, signal: AbortSignal): Promise<unknown> {
  setMaxListeners(0, signal);
  const running: Promise<unknown>[] = [];
  if (thread) running.push(thread.run(handler, opts.log, signal));
  // Loaded only when used: the agent's modules (images, runtime, streaming) cost start-up time and memory.
  if (!opts.disableAgent) running.push(startAgent(handler, opts, caCert, signal));
  return Promise.allSettled(running);
}

async function startAgent(handler: ApiHandler, opts: ServerOptions, caCert: string, signal: AbortSignal): Promise<void> {
  const { agentPreconditions, runAgent } = await import('./agent.js');
  const missing = agentPreconditions();
  if (missing.length) {
    opts.log('error', `the node agent cannot run pods here; missing: ${missing.join(', ')}. The API server and controllers keep running (--disable-agent skips the agent)`);
    return;
  }
  const name = opts.agent.nodeName ?? hostname().toLowerCase();
  const user = { username: `system:node:${name}`, groups: ['system:nodes', 'system:masters', 'system:authenticated'] };
  const agentLog: Logger = (level, msg, f) => opts.log(level, msg, { component: 'agent', ...f });
  await runAgent({ ...opts.agent, nodeName: name, dataDir: opts.dataDir, transport: inProcessTransport(handler, user, 'kubelet/v1.32.4 (k8ts)'), caCert, log: agentLog }, signal).catch((e: unknown) => opts.log('error', 'node agent failed', { error: e instanceof Error ? e.stack : String(e) }));
}

/** How often history older than the retention window is compacted (upstream compacts every 5 minutes). */
const COMPACTION_INTERVAL_MS = 60_000;
const HISTORY_RETENTION_MS = 5 * 60_000;

export async function runServer(opts: ServerOptions, signal: AbortSignal, onReady?: (info: { url: string; kubeconfig: string }) => void): Promise<void> {
  const log = opts.log;
  const store = await openStore(opts.datastoreEndpoint, opts.dataDir);
  const registry = new Registry(withStrategies(builtinResourceTypes()));
  const network = { ...DEFAULT_SERVICE_NETWORK, cidr: opts.serviceCidr };
  const kubernetesServiceIp = nthAddress(network.cidr, 1);
  const advertise = opts.bindAddress === '0.0.0.0' ? '127.0.0.1' : opts.bindAddress;
  const pki = await ensurePki(join(opts.dataDir, 'server', 'tls'), {
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', hostname()],
    ipAddresses: [...new Set(['127.0.0.1', advertise, kubernetesServiceIp])],
  });
  const thread = componentsThread(opts, pki.caCert);
  const ctx = makeServerContext({
    store,
    registry,
    now: () => new Date(),
    admission: [namespaceLifecycle, limitRanger, serviceAccountAdmission, defaultStorageClass, runtimeClassAdmission, serviceAllocation(new ServiceAllocator(network)), resourceQuota],
    authorizer: new RbacAuthorizer(),
    tokens: new ServiceAccountTokens(pki.serviceAccountKey),
    serverAddress: `${advertise}:${opts.httpsListenPort}`,
    kubeletClient: { cert: pki.kubeletClientCert, key: pki.kubeletClientKey },
  });
  let ready = false;
  const handler = new ApiHandler(ctx, { isReady: () => ready, log: (msg, f) => log('error', msg, f) });
  const server = await listen(handler, ctx, { host: opts.bindAddress, port: opts.httpsListenPort, cert: pki.serverCert, key: pki.serverKey, clientCa: pki.caCert }, (msg, f) => log('warn', msg, f));
  const url = `https://${advertise}:${opts.httpsListenPort}`;
  await bootstrap(inProcessTransport(handler), { kubernetesServiceIp, advertiseAddress: advertise, port: opts.httpsListenPort });
  await ensureNodeToken(inProcessTransport(handler), opts.dataDir, pki.caCert);
  writeKubeconfig(opts.writeKubeconfig, { server: url, caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey });
  ready = true;
  log('info', 'k8ts server is ready', { url, kubeconfig: opts.writeKubeconfig, datastore: opts.datastoreEndpoint ?? 'sqlite' });
  // The control plane's own components (in their thread; the agent in this one) go through the
  // same request path as any client, each leader-elected so a second server on the same store
  // stays idle.
  const components = runComponents(handler, opts, pki.caCert, thread, signal);
  onReady?.({ url, kubeconfig: opts.writeKubeconfig });

  // Keep enough history for watches to resume across short disconnects, then compact.
  const marks: { at: number; revision: number }[] = [];
  const compaction = setInterval(() => {
    void (async () => {
      const now = Date.now();
      marks.push({ at: now, revision: await store.currentRevision() });
      let target = 0;
      while (marks.length && marks[0].at <= now - HISTORY_RETENTION_MS) target = marks.shift()!.revision;
      if (target > (await store.compactedRevision())) await store.compact(target);
    })().catch((e: unknown) => log('warn', 'compaction failed', { error: String(e) }));
  }, COMPACTION_INTERVAL_MS);
  compaction.unref();

  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await components;
  clearInterval(compaction);
  ready = false;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  log('info', 'k8ts server stopped');
}
