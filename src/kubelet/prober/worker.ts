// One probe of one container, run every periodSeconds (prober/worker.go): waits for the
// container to run and initialDelaySeconds to pass, runs startup probes until the container
// has started and liveness/readiness only after, and changes the result only after
// failureThreshold failures or successThreshold successes in a row. A failed liveness or
// startup probe holds the worker until a new container instance appears.

import type { Clock } from '../../client/workqueue.js';
import type { Container, Pod, PodStatus, Probe } from '../types.js';
import type { ProbeOutcome } from './probes.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export const INITIAL_RESULT: Record<ProbeType, ProbeResult> = { liveness: 'success', readiness: 'failure', startup: 'unknown' };
const LABEL: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export interface WorkerHost {
  clock: Clock;
  /** The status the kubelet last generated for the pod (for the container's id and state). */
  podStatus(uid: string): PodStatus | undefined;
  pod(uid: string): Pod | undefined;
  run(pod: Pod, c: Container, probe: Probe, podIP: string, containerId: string): Promise<ProbeOutcome>;
  setResult(type: ProbeType, containerId: string, result: ProbeResult, pod: Pod): void;
  /** A result to start from instead of the default (what the API said before a kubelet restart). */
  initialResult?(type: ProbeType, containerId: string, pod: Pod): ProbeResult | undefined;
  removeResult(type: ProbeType, containerId: string): void;
  event(pod: Pod, container: Container, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export class ProbeWorker {
  private timer: unknown;
  private stopped = false;
  private running = false;
  private containerId = '';
  private onHold = false;
  private lastResult: ProbeResult = 'unknown';
  private resultRun = 0;

  constructor(
    private readonly host: WorkerHost,
    readonly podUid: string,
    readonly container: Container,
    readonly type: ProbeType,
    readonly probe: Probe,
  ) {}

  private get periodMs(): number {
    return (this.probe.periodSeconds ?? 10) * 1000;
  }

  start(firstDelayMs = 0): void {
    this.schedule(firstDelayMs);
  }

  stop(): void {
    this.stopped = true;
    this.host.clock.clearTimeout(this.timer);
    if (this.containerId) this.host.removeResult(this.type, this.containerId);
  }

  /** Probe now instead of at the next tick (a container just started). */
  trigger(): void {
    if (this.stopped || this.running) return;
    this.host.clock.clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.host.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    let keep = true;
    try {
      keep = await this.doProbe();
    } catch {
      keep = true;
    } finally {
      this.running = false;
    }
    if (keep) this.schedule(this.periodMs);
  }

  /** One round; false ends the worker. Exposed for tests. */
  async doProbe(): Promise<boolean> {
    const pod = this.host.pod(this.podUid);
    const status = this.host.podStatus(this.podUid);
    if (!pod || !status) return true;
    if (status.phase === 'Failed' || status.phase === 'Succeeded') return false;
    const all = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])];
    const c = all.find((s) => s.name === this.container.name);
    const id = (c?.containerID ?? '').replace(/^[^:]*:\/\//, '');
    if (!c || !id) return true;
    if (this.containerId !== id) {
      if (this.containerId) this.host.removeResult(this.type, this.containerId);
      this.containerId = id;
      const initial = this.host.initialResult?.(this.type, id, pod) ?? INITIAL_RESULT[this.type];
      this.host.setResult(this.type, id, initial, pod);
      if (initial === 'success') this.lastResult = 'success';
      this.onHold = false;
      if (initial !== 'success') this.lastResult = 'unknown';
      this.resultRun = initial === 'success' ? 1 : 0;
    }
    if (this.onHold) return true;
    if (!c.state.running) {
      this.host.setResult(this.type, id, 'failure', pod);
      return true;
    }
    if (pod.metadata.deletionTimestamp && (this.type === 'liveness' || this.type === 'startup')) {
      this.host.setResult(this.type, id, 'success', pod);
      return true;
    }
    const startedAt = Date.parse(c.state.running.startedAt ?? '') || 0;
    if (this.host.clock.now() - startedAt < (this.probe.initialDelaySeconds ?? 0) * 1000) return true;
    if (c.started) {
      if (this.type === 'startup') return true;
    } else if (this.type !== 'startup') return true;

    const podIP = status.podIP ?? '';
    let result: ProbeResult;
    try {
      const out = await this.host.run(pod, this.container, this.probe, podIP, id);
      if (out.result === 'failure') {
        this.host.event(pod, this.container, 'Warning', 'Unhealthy', `${LABEL[this.type]} probe failed: ${out.output}`);
        result = 'failure';
      } else {
        if (out.result === 'warning') this.host.event(pod, this.container, 'Warning', 'ProbeWarning', `${LABEL[this.type]} probe warning: ${out.output}`);
        result = 'success';
      }
    } catch (e) {
      this.host.event(pod, this.container, 'Warning', 'Unhealthy', `${LABEL[this.type]} probe errored: ${e instanceof Error ? e.message : String(e)}`);
      result = 'failure';
    }
    if (this.stopped || this.containerId !== id) return true;
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if ((result === 'failure' && this.resultRun < (this.probe.failureThreshold ?? 3)) || (result === 'success' && this.resultRun < (this.probe.successThreshold ?? 1))) return true;
    this.host.setResult(this.type, id, result, pod);
    if ((this.type === 'liveness' || this.type === 'startup') && result === 'failure') {
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
