// v1 Service defaults (SetDefaults_Service) plus the IP-family fields the REST layer fills at
// create in a single-stack IPv4 cluster. ClusterIP and node-port allocation are not here.

import type { KubeObject } from '../object.js';
import { ensureObj, arrAt, setDefault, isObj } from './util.js';
import type { Obj } from './util.js';

export function defaultService(svc: KubeObject): void {
  const spec = ensureObj(svc as Obj, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = isObj(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const cip = cfg && isObj(cfg.clientIP) ? cfg.clientIP : undefined;
    if (!cip || typeof cip.timeoutSeconds !== 'number') spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const p of arrAt(spec, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const type = spec.type;
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (externallyAccessible) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (type === 'LoadBalancer' && typeof spec.allocateLoadBalancerNodePorts !== 'boolean') spec.allocateLoadBalancerNodePorts = true;
  if (type !== 'ExternalName') {
    const headlessNoSelector = spec.clusterIP === 'None' && (!isObj(spec.selector) || Object.keys(spec.selector).length === 0);
    setDefault(spec, 'ipFamilyPolicy', headlessNoSelector ? 'RequireDualStack' : 'SingleStack');
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
  }
  const status = ensureObj(svc as Obj, 'status');
  ensureObj(status, 'loadBalancer');
}

/**
 * The strategy's PrepareForUpdate: an update that omits allocated values (clusterIP(s), node ports,
 * healthCheckNodePort) keeps the old ones, so `kubectl replace`/`apply` of a manifest works.
 */
export function patchAllocatedServiceValues(svc: KubeObject, old: KubeObject): void {
  const spec = ensureObj(svc as Obj, 'spec');
  const oldSpec = ensureObj(old as Obj, 'spec');
  const needsClusterIP = (s: Obj) => s.type !== 'ExternalName';
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if ((!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) && Array.isArray(oldSpec.clusterIPs)) {
      spec.clusterIPs = spec.clusterIP === oldSpec.clusterIP ? [...oldSpec.clusterIPs] : spec.clusterIP ? [spec.clusterIP] : [];
    }
  }
  const needsNodePort = (s: Obj) => s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const oldPorts = arrAt(oldSpec, 'ports');
    for (const p of arrAt(spec, 'ports')) {
      if (p.nodePort) continue;
      const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
  const needsHC = (s: Obj) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (needsHC(oldSpec) && needsHC(spec) && !spec.healthCheckNodePort) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
}
