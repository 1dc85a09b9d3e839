// Prometheus metrics of the API server, named as upstream's (apiserver_request_total,
// apiserver_request_duration_seconds), on a registry of its own rather than a global one.

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestInfo } from './request-info.js';

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly total: Counter<string>;
  private readonly duration: Histogram<string>;

  constructor(withProcessMetrics = true) {
    this.total = new Counter({ name: 'apiserver_request_total', help: 'Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code.', labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'], registers: [this.registry] });
    this.duration = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource, and scope.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
      registers: [this.registry],
    });
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }

  observe(info: RequestInfo | undefined, method: string, code: number, seconds: number): void {
    // Upstream's reported verb: LIST and WATCH by what was asked, else the HTTP method.
    const verb = info?.isResourceRequest && (info.verb === 'list' || info.verb === 'watch') ? info.verb.toUpperCase() : method.toUpperCase();
    const scope = !info?.isResourceRequest ? '' : info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster';
    const labels = { verb, group: info?.apiGroup ?? '', version: info?.apiVersion ?? '', resource: info?.resource ?? '', subresource: info?.subresource ?? '', scope, component: 'apiserver' };
    this.total.inc({ ...labels, code: String(code) });
    this.duration.observe(labels, seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
