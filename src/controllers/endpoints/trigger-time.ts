// The endpoints.kubernetes.io/last-change-trigger-time bookkeeping (TriggerTimeTracker): the
// earliest time, among the service and pods that changed since the previous sync, at which a
// change that this sync reflects happened.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { podTriggerTime } from './pod-util.js';

interface State {
  service?: string;
  pods: Map<string, string | undefined>;
}

export class TriggerTimeTracker {
  private readonly states = new Map<string, State>();

  /**
   * Returns the trigger time to publish (undefined: none), and `commit` to call once the sync
   * has succeeded: a failed write must not lose the changes it was about.
   */
  compute(serviceKey: string, svc: KubeObject, pods: KubeObject[]): { time: string | undefined; commit(): void } {
    const state: State = this.states.get(serviceKey) ?? { pods: new Map() };
    let min: string | undefined;
    const consider = (t: string | undefined) => {
      if (t && (min === undefined || Date.parse(t) < Date.parse(min))) min = t;
    };
    const svcTime = svc.metadata?.creationTimestamp ?? undefined;
    if (svcTime !== state.service) consider(svcTime);
    const next = new Map<string, string | undefined>();
    for (const pod of pods) {
      const k = objectKey(pod);
      const t = podTriggerTime(pod);
      next.set(k, t);
      if (!state.pods.has(k) || state.pods.get(k) !== t) consider(t);
    }
    return { time: min, commit: () => this.states.set(serviceKey, { service: svcTime, pods: next }) };
  }

  forget(serviceKey: string): void {
    this.states.delete(serviceKey);
  }
}
