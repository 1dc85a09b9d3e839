// Shared pieces of the Deployment controller tests: a fake kubelet and object builders.

import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { replicaSetController } from '../replicaset/index.js';
import { deploymentController } from './index.js';

export type Obj = Record<string, unknown>;

export const deploy = (name: string, o: { replicas?: number; strategy?: Obj; image?: string; extra?: Obj } = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas: o.replicas ?? 3,
    selector: { matchLabels: { app: name } },
    ...(o.strategy ? { strategy: o.strategy } : {}),
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: o.image ?? 'nginx:1' }] } },
    ...o.extra,
  },
});

/** Plays the kubelet: every pod not being deleted, whose image is not "bad", becomes Running and Ready. */
export function fakeKubelet(env: ControllerTestEnv): () => void {
  let stop = false;
  const pods = env.clients.resource('pods');
  const handle = (p: KubeObject) => {
    const ready = ((p.status as Obj | undefined)?.conditions as Obj[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True');
    const image = (((p.spec as Obj).containers as Obj[])[0].image as string) ?? '';
    if (stop || ready || p.metadata?.deletionTimestamp || image === 'bad') return;
    const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    void pods.patch('default', p.metadata!.name!, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } }, { subresource: 'status' }).catch(() => undefined);
  };
  env.ctx.informers.informer('pods').addHandler({ add: handle, update: (_o, p) => handle(p) });
  return () => {
    stop = true;
  };
}

export async function start(): Promise<{ env: ControllerTestEnv; stopKubelet: () => void }> {
  const env = await controllerTestEnv();
  // Rollouts take several steps; allow for a loaded machine.
  const eventually = env.eventually.bind(env);
  env.eventually = (check, timeoutMs = 15000) => eventually(check, timeoutMs);
  const stopKubelet = fakeKubelet(env);
  await env.start(replicaSetController(env.ctx), deploymentController(env.ctx));
  return { env, stopKubelet };
}

export const rsList = async (env: ControllerTestEnv) => (await env.clients.resource('replicasets').list('default')).items;
export const getD = (env: ControllerTestEnv, name: string) => env.clients.resource('deployments').get('default', name);
export const ann = (o: KubeObject, k: string) => o.metadata?.annotations?.[k];
export const st = (o: KubeObject) => (o.status as Obj | undefined) ?? {};
export const rolledOut = (d: KubeObject) => {
  const s = st(d);
  const r = (d.spec as Obj).replicas;
  return (s.observedGeneration as number) >= d.metadata!.generation! && s.updatedReplicas === r && s.replicas === r && s.availableReplicas === r;
};

