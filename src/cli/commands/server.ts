// `k8ts server`: a single-node cluster's control plane on embedded SQLite by default.

import { join } from 'node:path';
import { Command } from 'commander';
import { runServer } from '../../roles/server.js';
import { makeLogger } from '../../roles/log.js';
import { addOptions, AGENT_OPTIONS, logLevelOption, resolveOptions, SERVER_OPTIONS, stopOnSignals } from '../options.js';
import { agentSettings } from './agent.js';

export function serverCommand(): Command {
  const cmd = new Command('server').description('run the control plane (API server, embedded datastore) of a cluster');
  addOptions(cmd, [...SERVER_OPTIONS, ...AGENT_OPTIONS]);
  cmd.action(async (flags: Record<string, unknown>) => {
    const o = resolveOptions([...SERVER_OPTIONS, ...AGENT_OPTIONS], flags);
    const level = logLevelOption(o);
    const log = makeLogger('server', level);
    const dataDir = String(o['data-dir']);
    const stop = stopOnSignals();
    await runServer(
      {
        dataDir,
        httpsListenPort: Number(o['https-listen-port']),
        bindAddress: String(o['bind-address']),
        writeKubeconfig: (o['write-kubeconfig'] as string | undefined) ?? join(dataDir, 'kubeconfig.yaml'),
        datastoreEndpoint: o['datastore-endpoint'] as string | undefined,
        disableAgent: Boolean(o['disable-agent']),
        serviceCidr: String(o['service-cidr']),
        clusterCidr: String(o['cluster-cidr']),
        disableControllerManager: Boolean(o['disable-controller-manager']),
        disableScheduler: Boolean(o['disable-scheduler']),
        simulatedNodes: Number(o['simulated-nodes']),
        simulatedFailingImages: String(o['simulated-failing-images']).split(',').map((s) => s.trim()).filter(Boolean),
        leaseDurationSeconds: Number(o['lease-duration-seconds']),
        agent: agentSettings(o),
        log,
        logLevel: level,
      },
      stop,
      ({ kubeconfig }) => process.stdout.write(`k8ts is ready. Point kubectl at it:\n  export KUBECONFIG=${kubeconfig}\n  kubectl get namespaces\n`),
    );
  });
  return cmd;
}
