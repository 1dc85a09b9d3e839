// `k8ts controller-manager` and `k8ts scheduler`: one component on its own against an API server,
// leader-elected, as upstream runs kube-controller-manager and kube-scheduler.

import { Command } from 'commander';
import { httpsTransport } from '../../client/transport.js';
import { readKubeconfig } from '../../roles/kubeconfig.js';
import { makeLogger } from '../../roles/log.js';
import { addOptions, COMPONENT_OPTIONS, logLevelOption, resolveOptions, stopOnSignals, type OptionSpec } from '../options.js';

// The components' modules load in the action, not with the CLI: `k8ts server` runs them in a
// worker thread and its main thread would only carry a second copy.
const componentModules = async () => {
  const [{ realClock }, { simulatedNodes }, { controllerContext, leaseTiming, runLeaderElected }, { builtinControllers, schedulerComponents }] = await Promise.all([
    import('../../client/workqueue.js'),
    import('../../simulator/index.js'),
    import('../../roles/controller-manager.js'),
    import('../../roles/controllers.js'),
  ]);
  return { realClock, simulatedNodes, controllerContext, leaseTiming, runLeaderElected, builtinControllers, schedulerComponents };
};

function componentCommand(name: 'controller-manager' | 'scheduler', description: string): Command {
  const cmd = new Command(name).description(description);
  addOptions(cmd, COMPONENT_OPTIONS);
  cmd.action(async (flags: Record<string, unknown>) => {
    const o = resolveOptions(COMPONENT_OPTIONS, flags);
    const level = logLevelOption(o);
    if (!o.kubeconfig) throw new Error('--kubeconfig is required');
    const component = name === 'scheduler' ? 'kube-scheduler' : 'kube-controller-manager';
    const log = makeLogger(component, level);
    const creds = readKubeconfig(String(o.kubeconfig));
    const transport = httpsTransport(creds, `${component}/v1.32.4 (k8ts)`);
    const stop = stopOnSignals();
    // Timers of the work queues and the election are unref'd; while campaigning nothing else
    // would keep the process alive.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    stop.addEventListener('abort', () => clearInterval(keepAlive), { once: true });
    const { builtinControllers, schedulerComponents, runLeaderElected, leaseTiming } = await componentModules();
    const build = name === 'scheduler' ? schedulerComponents : (ctx: Parameters<typeof builtinControllers>[0]) => builtinControllers(ctx, { clusterCidr: String(o['cluster-cidr']), caCert: creds.ca });
    log('info', 'starting; waiting to become leader', { component });
    await runLeaderElected(transport, { component, log, leaseTiming: leaseTiming(Number(o['lease-duration-seconds'])) }, build, stop, () => process.stdout.write(`${component} is leading\n`));
  });
  return cmd;
}

export function controllerManagerCommand(): Command {
  return componentCommand('controller-manager', 'run the controllers against an API server (leader-elected)');
}

export function schedulerCommand(): Command {
  return componentCommand('scheduler', 'run the scheduler against an API server (leader-elected)');
}

const SIMULATOR_OPTIONS: OptionSpec[] = [
  { name: 'config', type: 'string', description: 'YAML file with option values (keys named as the flags)' },
  { name: 'kubeconfig', type: 'string', description: 'kubeconfig with the API server and credentials to use' },
  { name: 'count', type: 'number', description: 'how many nodes to add', default: () => 1 },
  { name: 'name-prefix', type: 'string', description: 'node names are PREFIX0, PREFIX1, ...', default: () => 'sim-extra-' },
  { name: 'failing-images', type: 'string', description: 'comma-separated images whose pulls fail (ErrImagePull)', default: () => '' },
  { name: 'log-level', type: 'string', description: 'debug, info, warn or error', default: () => 'info' },
];

/** `k8ts simulated-nodes`: adds simulated nodes (kwok-style) to a running cluster. */
export function simulatedNodesCommand(): Command {
  const cmd = new Command('simulated-nodes').description('add simulated nodes that play the kubelet for their pods (no containers) to a running cluster');
  addOptions(cmd, SIMULATOR_OPTIONS);
  cmd.action(async (flags: Record<string, unknown>) => {
    const o = resolveOptions(SIMULATOR_OPTIONS, flags);
    const level = logLevelOption(o);
    if (!o.kubeconfig) throw new Error('--kubeconfig is required');
    const log = makeLogger('kubelet', level);
    const transport = httpsTransport(readKubeconfig(String(o.kubeconfig)), 'kubelet/v1.32.4 (k8ts simulated)');
    const stop = stopOnSignals();
    const keepAlive = setInterval(() => undefined, 1 << 30);
    stop.addEventListener('abort', () => clearInterval(keepAlive), { once: true });
    const { controllerContext, realClock, simulatedNodes } = await componentModules();
    const ctx = controllerContext(transport, 'kubelet', realClock, log);
    const failingImages = String(o['failing-images']).split(',').map((s) => s.trim()).filter(Boolean);
    const nodes = simulatedNodes(ctx, { count: Number(o.count), namePrefix: String(o['name-prefix']), failingImages });
    const running = nodes.run(stop);
    ctx.informers.start(stop);
    process.stdout.write(`${Number(o.count)} simulated node(s) ${String(o['name-prefix'])}0.. are running\n`);
    await running;
  });
  return cmd;
}
