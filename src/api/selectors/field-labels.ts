// Which field selectors each built-in resource accepts, and the field values an object exposes to
// them: upstream's per-kind AddFieldLabelConversionFunc (what a request may name, including
// renames such as events.k8s.io `regarding.kind` -> `involvedObject.kind`) and the registries'
// GetAttrs/SelectableFields (what an object offers for matching).

import { errors } from '../errors.js';
import type { KubeObject } from '../object.js';
import { isPlainObject } from '../object.js';
import type { FieldSelector, FieldTerm } from './field-selector.js';

/** Returns the label to match on, or an error message (upstream's wording for that kind). */
type LabelConversion = (label: string) => string | { error: string };

function allowList(labels: string[], message: (label: string) => string): LabelConversion {
  const ok = new Set(labels);
  return (label) => (ok.has(label) ? label : { error: message(label) });
}

const notSupported = (label: string) => `field label not supported: ${label}`;

// runtime.DefaultMetaV1FieldSelectorConversion: every kind without its own function.
const defaultConversion: LabelConversion = (label) =>
  label === 'metadata.name' || label === 'metadata.namespace'
    ? label
    : { error: `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"` };

const podLabels = allowList(
  [
    'metadata.name',
    'metadata.namespace',
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  notSupported,
);

const coreEventLabels = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
  'metadata.namespace',
  'metadata.name',
];

// events.k8s.io/v1 names map onto the core Event's selectable fields.
const eventsV1Mapping: Record<string, string> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  source: 'source',
  type: 'type',
  'metadata.namespace': 'metadata.namespace',
  'metadata.name': 'metadata.name',
};

const conversions: Record<string, LabelConversion> = {
  '/pods': (label) => (label === 'spec.host' ? 'spec.nodeName' : podLabels(label)),
  '/nodes': allowList(['metadata.name', 'spec.unschedulable'], notSupported),
  '/replicationcontrollers': allowList(['metadata.name', 'metadata.namespace', 'status.replicas'], notSupported),
  '/events': allowList(coreEventLabels, notSupported),
  '/namespaces': allowList(['status.phase', 'metadata.name'], notSupported),
  '/secrets': allowList(['type', 'metadata.namespace', 'metadata.name'], notSupported),
  '/services': allowList(['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'], notSupported),
  'batch/jobs': allowList(['metadata.name', 'metadata.namespace', 'status.successful'], (l) => `field label "${l}" not supported for batchv1.Job`),
  'certificates.k8s.io/certificatesigningrequests': allowList(['metadata.name', 'spec.signerName'], notSupported),
  'events.k8s.io/events': (label) => eventsV1Mapping[label] ?? { error: notSupported(label) },
};

/**
 * Validates a parsed selector against what the resource supports and returns it with labels
 * renamed as upstream's conversion does (pods `spec.host`, events.k8s.io `regarding.*`). Throws
 * a 400 BadRequest with upstream's message for the first unsupported label (terms are sorted).
 */
export function checkFieldSelector(group: string, resource: string, sel: FieldSelector): FieldSelector {
  const convert = conversions[`${group}/${resource}`] ?? defaultConversion;
  const terms: FieldTerm[] = sel.terms.map((t) => {
    const r = convert(t.field);
    if (typeof r !== 'string') throw errors.badRequest(r.error);
    return { ...t, field: r };
  });
  return { terms };
}

// ---- field sets (GetAttrs) ----

function get(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function str(o: unknown, ...path: string[]): string {
  const v = get(o, ...path);
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function int(o: unknown, ...path: string[]): string {
  const v = get(o, ...path);
  return typeof v === 'number' ? String(Math.trunc(v)) : '0';
}

function bool(o: unknown, ...path: string[]): string {
  return get(o, ...path) === true ? 'true' : 'false';
}

function podFields(obj: KubeObject): Record<string, string> {
  const ips = get(obj, 'status', 'podIPs');
  const first = Array.isArray(ips) && ips.length > 0 ? str(ips[0], 'ip') : str(obj, 'status', 'podIP');
  return {
    'spec.nodeName': str(obj, 'spec', 'nodeName'),
    'spec.restartPolicy': str(obj, 'spec', 'restartPolicy'),
    'spec.schedulerName': str(obj, 'spec', 'schedulerName'),
    'spec.serviceAccountName': str(obj, 'spec', 'serviceAccountName'),
    'spec.hostNetwork': bool(obj, 'spec', 'hostNetwork'),
    'status.phase': str(obj, 'status', 'phase'),
    'status.podIP': first,
    'status.nominatedNodeName': str(obj, 'status', 'nominatedNodeName'),
  };
}

// Core Event selectable fields; events.k8s.io objects are read through their own field names.
function eventFields(obj: KubeObject, v1: boolean): Record<string, string> {
  const ref = v1 ? 'regarding' : 'involvedObject';
  const reportingController = str(obj, 'reportingController');
  const component = v1 ? str(obj, 'deprecatedSource', 'component') : str(obj, 'source', 'component');
  return {
    'involvedObject.kind': str(obj, ref, 'kind'),
    'involvedObject.namespace': str(obj, ref, 'namespace'),
    'involvedObject.name': str(obj, ref, 'name'),
    'involvedObject.uid': str(obj, ref, 'uid'),
    'involvedObject.apiVersion': str(obj, ref, 'apiVersion'),
    'involvedObject.resourceVersion': str(obj, ref, 'resourceVersion'),
    'involvedObject.fieldPath': str(obj, ref, 'fieldPath'),
    reason: str(obj, 'reason'),
    reportingComponent: reportingController,
    source: component || reportingController,
    type: str(obj, 'type'),
  };
}

const specificFields: Record<string, (obj: KubeObject) => Record<string, string>> = {
  '/pods': podFields,
  '/nodes': (o) => ({ 'spec.unschedulable': bool(o, 'spec', 'unschedulable') }),
  // "name" is a historical extra upstream keeps in the namespace field set.
  '/namespaces': (o) => ({ 'status.phase': str(o, 'status', 'phase'), name: str(o, 'metadata', 'name') }),
  '/events': (o) => eventFields(o, false),
  'events.k8s.io/events': (o) => eventFields(o, true),
  '/secrets': (o) => ({ type: str(o, 'type') }),
  '/services': (o) => ({ 'spec.clusterIP': str(o, 'spec', 'clusterIP'), 'spec.type': str(o, 'spec', 'type') }),
  '/replicationcontrollers': (o) => ({ 'status.replicas': int(o, 'status', 'replicas') }),
  'apps/replicasets': (o) => ({ 'status.replicas': int(o, 'status', 'replicas') }),
  'batch/jobs': (o) => ({ 'status.successful': int(o, 'status', 'succeeded') }),
  'certificates.k8s.io/certificatesigningrequests': (o) => ({ 'spec.signerName': str(o, 'spec', 'signerName') }),
};

/**
 * The fields an object offers to field selectors (metadata.name and metadata.namespace for every
 * kind; cluster-scoped objects have an empty namespace, which matches as upstream's absent field).
 */
export function fieldSetFor(group: string, resource: string, obj: KubeObject): Record<string, string> {
  const extra = specificFields[`${group}/${resource}`];
  return {
    ...(extra ? extra(obj) : {}),
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
  };
}
