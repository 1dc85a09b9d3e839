// Service, Endpoints and EndpointSlice rows: how a service is reached (cluster IP, external IP
// by service type, ports with node ports) and which addresses back it.

import { formatLabels } from '../selectors/label-selector.js';
import { arr, get, has, num, str } from './access.js';
import { ageColumn, ageOf, col, joinHostPort, listWithMore, nameColumn, nameOf, sortedUnique } from './common.js';
import type { Printer } from './types.js';

/** Load-balancer ingress points (IP, else hostname), sorted and unique; never clipped as the server prints wide. */
export function loadBalancerIngress(status: unknown): string {
  const points: string[] = [];
  for (const ing of arr(status, 'ingress')) {
    const ip = str(ing, 'ip');
    const host = str(ing, 'hostname');
    if (ip !== '') points.push(ip);
    else if (host !== '') points.push(host);
  }
  return sortedUnique(points).join(',');
}

function externalIP(svc: unknown): string {
  const externalIPs = arr(svc, 'spec', 'externalIPs').map((x) => String(x));
  switch (str(svc, 'spec', 'type') || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(get(svc, 'status', 'loadBalancer'));
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

function portString(ports: unknown[]): string {
  return ports
    .map((p) => {
      const protocol = str(p, 'protocol') || 'TCP';
      const nodePort = num(p, 'nodePort');
      return nodePort > 0 ? `${num(p, 'port')}:${nodePort}/${protocol}` : `${num(p, 'port')}/${protocol}`;
    })
    .join(',');
}

export const servicePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'Virtual IP inside the cluster.'),
    col('External-IP', 'string', 'Addresses reachable from outside the cluster.'),
    col('Port(s)', 'string', 'Service ports, with node ports where allocated.'),
    ageColumn(),
    col('Selector', 'string', 'Labels of the pods the service routes to.', 1),
  ],
  cells(svc, now) {
    const clusterIPs = arr(svc, 'spec', 'clusterIPs');
    let clusterIP = '<none>';
    if (clusterIPs.length > 0) clusterIP = String(clusterIPs[0]);
    else if (str(svc, 'spec', 'clusterIP') !== '') clusterIP = str(svc, 'spec', 'clusterIP');
    const ports = portString(arr(svc, 'spec', 'ports')) || '<none>';
    return [nameOf(svc), str(svc, 'spec', 'type') || 'ClusterIP', clusterIP, externalIP(svc), ports, ageOf(svc, now), formatLabels(get(svc, 'spec', 'selector'))];
  },
};

/** formatEndpoints: up to three ip:port pairs, then " + N more...". */
export function formatEndpoints(ep: unknown): string {
  const subsets = arr(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = arr(ss, 'addresses');
    const ports = arr(ss, 'ports');
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a, 'ip'));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(str(a, 'ip'), num(port, 'port')));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: Printer = {
  columns: [nameColumn(), col('Endpoints', 'string', 'Ready addresses and ports backing the service.'), ageColumn()],
  cells: (ep, now) => [nameOf(ep), formatEndpoints(ep), ageOf(ep, now)],
};

function discoveryPorts(ports: unknown[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const p of ports) {
    if (list.length < max) {
      let portNum = '*';
      if (has(p, 'port')) portNum = String(num(p, 'port'));
      else if (has(p, 'name')) portNum = str(p, 'name');
      list.push(portNum);
    } else if (list.length === max) {
      more = true;
    }
    count++;
  }
  return listWithMore(list, more, count, max);
}

function discoveryEndpoints(endpoints: unknown[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const e of endpoints) {
    for (const addr of arr(e, 'addresses')) {
      if (list.length < max) list.push(String(addr));
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMore(list, more, count, max);
}

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn(),
    col('AddressType', 'string', 'Kind of addresses in the slice: IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'Ports exposed by the endpoints.'),
    col('Endpoints', 'string', 'Endpoint addresses in the slice.'),
    ageColumn(),
  ],
  cells: (s, now) => [nameOf(s), str(s, 'addressType'), discoveryPorts(arr(s, 'ports')), discoveryEndpoints(arr(s, 'endpoints')), ageOf(s, now)],
};
