// `k8ts controller-manager` and `k8ts scheduler`: one component on its own against an API server,
// leader-elected, as upstream runs kube-controller-manager and kube-scheduler.

import { Command } from 'commander';
import { httpsTransport } from '../../client/transport.js';
import { readKubeconfig } from '../../roles/kubeconfig.js';
import { leaseTiming, runLeaderElected } from '../../roles/controller-manager.js';
import { builtinControllers, schedulerComponents } from '../../roles/controllers.js';
import { isLogLevel, makeLogger } from '../../roles/log.js';
import { addOptions, COMPONENT_OPTIONS, resolveOptions } from '../options.js';

function componentCommand(name: 'controller-manager' | 'scheduler', description: string): Command {
  const cmd = new Command(name).description(description);
  addOptions(cmd, COMPONENT_OPTIONS);
  cmd.action(async (flags: Record<string, unknown>) => {
    const o = resolveOptions(COMPONENT_OPTIONS, flags);
    const level = String(o['log-level']);
    if (!isLogLevel(level)) throw new Error(`--log-level must be debug, info, warn or error, got "${level}"`);
    if (!o.kubeconfig) throw new Error('--kubeconfig is required');
    const component = name === 'scheduler' ? 'kube-scheduler' : 'kube-controller-manager';
    const log = makeLogger(component, level);
    const creds = readKubeconfig(String(o.kubeconfig));
    const transport = httpsTransport(creds, `${component}/v1.32.4 (k8ts)`);
    const abort = new AbortController();
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abort.abort());
    // Timers of the work queues and the election are unref'd; while campaigning nothing else
    // would keep the process alive.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    abort.signal.addEventListener('abort', () => clearInterval(keepAlive), { once: true });
    const build = name === 'scheduler' ? schedulerComponents : (ctx: Parameters<typeof builtinControllers>[0]) => builtinControllers(ctx, { clusterCidr: String(o['cluster-cidr']), caCert: creds.ca });
    log('info', 'starting; waiting to become leader', { component });
    await runLeaderElected(transport, { component, log, leaseTiming: leaseTiming(Number(o['lease-duration-seconds'])) }, build, abort.signal, () => process.stdout.write(`${component} is leading\n`));
  });
  return cmd;
}

export function controllerManagerCommand(): Command {
  return componentCommand('controller-manager', 'run the controllers against an API server (leader-elected)');
}

export function schedulerCommand(): Command {
  return componentCommand('scheduler', 'run the scheduler against an API server (leader-elected)');
}
