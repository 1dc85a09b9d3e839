// Event rows (printEvent) for core/v1 Events and events.k8s.io/v1 Events, which the server
// prints through the same internal type: `regarding` is `involvedObject`, `note` is the message,
// and the deprecated* fields are the legacy timestamps, count and source.

import type { KubeObject } from '../object.js';
import { get, num, str } from './access.js';
import { col } from './common.js';
import { parseTime, translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

interface EventView {
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: unknown;
  ref: unknown;
  message: string;
  sourceComponent: string;
  sourceHost: string;
}

function coreView(e: KubeObject): EventView {
  return {
    firstTimestamp: get(e, 'firstTimestamp'),
    lastTimestamp: get(e, 'lastTimestamp'),
    eventTime: get(e, 'eventTime'),
    count: num(e, 'count'),
    series: get(e, 'series'),
    ref: get(e, 'involvedObject'),
    message: str(e, 'message'),
    sourceComponent: str(e, 'source', 'component'),
    sourceHost: str(e, 'source', 'host'),
  };
}

function eventsV1View(e: KubeObject): EventView {
  return {
    firstTimestamp: get(e, 'deprecatedFirstTimestamp'),
    lastTimestamp: get(e, 'deprecatedLastTimestamp'),
    eventTime: get(e, 'eventTime'),
    count: num(e, 'deprecatedCount'),
    series: get(e, 'series'),
    ref: get(e, 'regarding'),
    message: str(e, 'note'),
    sourceComponent: str(e, 'deprecatedSource', 'component'),
    sourceHost: str(e, 'deprecatedSource', 'host'),
  };
}

const since = (ts: unknown, now: Date): string => translateTimestampSince(typeof ts === 'string' ? ts : undefined, now);

function eventCells(e: KubeObject, v: EventView, now: Date): unknown[] {
  const firstTimestamp = parseTime(v.firstTimestamp) === undefined ? since(v.eventTime, now) : since(v.firstTimestamp, now);
  let lastTimestamp = parseTime(v.lastTimestamp) === undefined ? firstTimestamp : since(v.lastTimestamp, now);
  let count = v.count;
  if (v.series !== undefined && v.series !== null) {
    lastTimestamp = since(get(v.series, 'lastObservedTime'), now);
    count = num(v.series, 'count');
  } else if (count === 0) {
    // Singleton events carry no count in the new API.
    count = 1;
  }
  const kind = str(v.ref, 'kind').toLowerCase();
  const target = str(v.ref, 'name') !== '' ? `${kind}/${str(v.ref, 'name')}` : kind;
  const component = v.sourceComponent || str(e, 'reportingController');
  const instance = v.sourceHost || str(e, 'reportingInstance');
  const source = instance === '' ? component : `${component}, ${instance}`;
  return [lastTimestamp, str(e, 'type'), str(e, 'reason'), target, str(v.ref, 'fieldPath'), source, v.message.trim(), firstTimestamp, count, e.metadata?.name ?? ''];
}

const eventColumns = [
  col('Last Seen', 'string', 'Time since the event was last observed.'),
  col('Type', 'string', 'Normal or Warning.'),
  col('Reason', 'string', 'Short machine-readable reason for the event.'),
  col('Object', 'string', 'Object the event is about, as kind/name.'),
  col('Subobject', 'string', 'Part of the object the event is about.', 1),
  col('Source', 'string', 'Component, and host, that reported the event.', 1),
  col('Message', 'string', 'Human-readable description.'),
  col('First Seen', 'string', 'Time since the event was first observed.', 1),
  col('Count', 'string', 'Times the event has occurred.', 1),
  col('Name', 'string', 'Name of the event object.', 1, 'name'),
];

export const eventPrinter: Printer = { columns: eventColumns, cells: (e, now) => eventCells(e, coreView(e), now) };
export const eventsV1Printer: Printer = { columns: eventColumns, cells: (e, now) => eventCells(e, eventsV1View(e), now) };
