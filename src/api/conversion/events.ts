// events.k8s.io/v1 Event <-> core/v1 Event. Upstream stores one Event type and serves both
// versions from it, so an event written through either API is read through the other.

import type { KubeObject } from '../object.js';

// events.k8s.io/v1 field -> core/v1 field (the rest, metadata included, share names).
const RENAMES: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
const SHARED = ['metadata', 'eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'];

function rename(obj: KubeObject, pairs: [string, string][], apiVersion: string): KubeObject {
  const out: KubeObject = { apiVersion, kind: 'Event' };
  for (const k of SHARED) if (obj[k] !== undefined) out[k] = obj[k];
  for (const [from, to] of pairs) if (obj[from] !== undefined) out[to] = obj[from];
  return out;
}

export function eventsV1ToCore(obj: KubeObject): KubeObject {
  return rename(obj, RENAMES, 'v1');
}

export function coreToEventsV1(obj: KubeObject): KubeObject {
  return rename(obj, RENAMES.map(([a, b]) => [b, a]), 'events.k8s.io/v1');
}
