// postStart and preStop hooks (lifecycle/handlers.go): exec in the container, an HTTP GET to
// the pod, or a sleep. A failure comes back as upstream's message, which the kubelet records as
// a FailedPostStartHook or FailedPreStopHook event.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RuntimeService } from '../cri/types.js';
import { resolvePort } from '../prober/probes.js';
import type { Container, LifecycleHandler, Pod } from '../types.js';
import { podDesc } from './security-context.js';

/** Runs a hook; resolves with undefined on success, or the failure message. */
export async function runLifecycleHandler(runtime: RuntimeService, pod: Pod, c: Container, containerId: string, podIP: string, h: LifecycleHandler, timeoutSeconds: number): Promise<string | undefined> {
  if (h.exec) {
    const cmd = h.exec.command ?? [];
    let err: string;
    let output = '';
    try {
      const r = await runtime.execSync(containerId, cmd, Math.max(1, timeoutSeconds));
      output = Buffer.concat([r.stdout, r.stderr]).toString();
      if (r.exitCode === 0) return undefined;
      err = `command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.stderr.toString()}`;
    } catch (e) {
      err = e instanceof Error ? e.message : String(e);
    }
    return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(podDesc(pod))} failed - error: ${err}, message: ${JSON.stringify(output)}`;
  }
  if (h.httpGet) {
    const g = h.httpGet;
    const scheme = (g.scheme ?? 'HTTP').toLowerCase();
    const host = g.host || podIP;
    let port: number;
    try {
      port = resolvePort(g.port, c);
    } catch (e) {
      return `HTTP lifecycle hook (${g.path ?? ''}) for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(podDesc(pod))} failed - error: ${(e as Error).message}`;
    }
    let path = g.path ?? '';
    if (!path.startsWith('/')) path = `/${path}`;
    const url = `${scheme}://${host}:${port}${path}`;
    const headers: Record<string, string> = {};
    for (const x of g.httpHeaders ?? []) headers[x.name] = x.value;
    const err = await new Promise<string | undefined>((resolve) => {
      const req = (scheme === 'https' ? httpsRequest : httpRequest)(url, { headers, rejectUnauthorized: false, agent: false, timeout: Math.max(1, timeoutSeconds) * 1000 }, (res) => {
        res.resume();
        res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400 ? undefined : `HTTP lifecycle hook failed with status code ${res.statusCode}`));
      });
      req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
      req.on('error', (e) => resolve(`Get ${JSON.stringify(url)}: ${e.message}`));
      req.end();
    });
    return err === undefined ? undefined : `HTTP lifecycle hook (${g.path ?? ''}) for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(podDesc(pod))} failed - error: ${err}`;
  }
  if (h.sleep) {
    await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds, timeoutSeconds) * 1000));
    return undefined;
  }
  return undefined;
}
