// The probe workers of every pod on the node and their latest results by container id
// (prober/prober_manager.go with the results managers): answers "started?" and "ready?" for
// the pod status and "liveness failed?" for restart decisions, and tells the kubelet when a
// result changes so the pod is synced again.

import type { Clock } from '../../client/workqueue.js';
import type { RuntimeService } from '../cri/types.js';
import { isRestartableInit } from '../container-status.js';
import type { ProbeResults } from '../kuberuntime/pod-actions.js';
import type { ProbeView } from '../pod-status.js';
import type { Container, Pod, PodStatus, Probe } from '../types.js';
import { runProbe } from './probes.js';
import { ProbeWorker, type ProbeResult, type ProbeType, type WorkerHost } from './worker.js';

export interface ProbeManagerOptions {
  runtime: RuntimeService;
  clock: Clock;
  podStatus(uid: string): PodStatus | undefined;
  pod(uid: string): Pod | undefined;
  event(pod: Pod, container: Container, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** A result changed: sync the pod. */
  onChange(uid: string): void;
  /** Overrides how a probe runs (tests). */
  run?: WorkerHost['run'];
}

export class ProbeManager implements ProbeView {
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly results: Record<ProbeType, Map<string, ProbeResult>> = { liveness: new Map(), readiness: new Map(), startup: new Map() };
  private readonly host: WorkerHost;
  private readonly startedAt: number;

  constructor(private readonly o: ProbeManagerOptions) {
    this.startedAt = o.clock.now();
    this.host = {
      clock: o.clock,
      podStatus: o.podStatus,
      pod: o.pod,
      run: o.run ?? ((pod, c, probe, podIP, id) => runProbe(probe, c, podIP, id, o.runtime)),
      event: o.event,
      initialResult: (type, id, pod) => {
        // Adopted after a restart: keep what the API says instead of flapping to unready.
        if (type === 'readiness' && this.apiSaid(pod.metadata.uid, id, 'ready')) return 'success';
        if (type === 'startup' && this.apiSaid(pod.metadata.uid, id, 'started')) return 'success';
        return undefined;
      },
      setResult: (type, id, result, pod) => {
        const prev = this.results[type].get(id);
        this.results[type].set(id, result);
        if (prev !== result) o.onChange(pod.metadata.uid);
      },
      removeResult: (type, id) => void this.results[type].delete(id),
    };
  }

  private key(uid: string, name: string, type: ProbeType): string {
    return `${uid}/${name}/${type}`;
  }

  /** Starts workers for the probes of a pod's containers (and sidecars); idempotent. */
  addPod(pod: Pod): void {
    const uid = pod.metadata.uid;
    const containers = [...(pod.spec.initContainers ?? []).filter(isRestartableInit), ...pod.spec.containers];
    for (const c of containers) {
      const probes: [ProbeType, Probe | undefined][] = [['startup', c.startupProbe], ['readiness', c.readinessProbe], ['liveness', c.livenessProbe]];
      for (const [type, probe] of probes) {
        if (!probe) continue;
        const k = this.key(uid, c.name, type);
        if (this.workers.has(k)) continue;
        const w = new ProbeWorker(this.host, uid, c, type, probe);
        this.workers.set(k, w);
        // Just after a kubelet restart, spread the first probes over a period as upstream does.
        const period = (probe.periodSeconds ?? 10) * 1000;
        w.start(this.o.clock.now() - this.startedAt < period ? Math.floor(Math.random() * period) : 0);
      }
    }
  }

  removePod(uid: string): void {
    for (const [k, w] of this.workers) {
      if (!k.startsWith(`${uid}/`)) continue;
      w.stop();
      this.workers.delete(k);
    }
  }

  /** Stops the probes of a pod that is terminating, keeping readiness (as upstream's StopLivenessAndStartup). */
  stopLivenessAndStartup(uid: string): void {
    for (const [k, w] of this.workers) {
      if (!k.startsWith(`${uid}/`) || w.type === 'readiness') continue;
      w.stop();
      this.workers.delete(k);
    }
  }

  hasWorker(uid: string, name: string, type: ProbeType): boolean {
    return this.workers.has(this.key(uid, name, type));
  }

  /** What the API last said about this very container instance (a restarted kubelet adopting it). */
  private apiSaid(uid: string, id: string, field: 'ready' | 'started'): boolean {
    const st = this.o.pod(uid)?.status;
    const all = [...(st?.containerStatuses ?? []), ...(st?.initContainerStatuses ?? [])];
    return all.some((c) => c.containerID?.endsWith(`://${id}`) && c[field] === true);
  }

  started(uid: string, name: string, id: string): boolean {
    const r = this.results.startup.get(id);
    if (r !== undefined) return r === 'success';
    if (!this.hasWorker(uid, name, 'startup')) return true;
    return this.apiSaid(uid, id, 'started');
  }

  ready(uid: string, name: string, id: string): boolean {
    const r = this.results.readiness.get(id);
    if (r === 'success') return true;
    if (r === undefined && this.hasWorker(uid, name, 'readiness') && this.apiSaid(uid, id, 'ready')) return true;
    const exists = this.hasWorker(uid, name, 'readiness');
    // A started container not ready yet: probe now rather than a period later.
    if (exists) this.workers.get(this.key(uid, name, 'readiness'))!.trigger();
    return !exists;
  }

  livenessFailed(id: string): boolean {
    return this.results.liveness.get(id) === 'failure';
  }

  startupFailed(id: string): boolean {
    return this.results.startup.get(id) === 'failure';
  }

  /** The results computePodActions reads, for one pod. */
  resultsFor(uid: string): ProbeResults {
    return {
      livenessFailed: (id) => this.livenessFailed(id),
      startupFailed: (id) => this.startupFailed(id),
      started: (id, name) => this.started(uid, name, id),
    };
  }
}
