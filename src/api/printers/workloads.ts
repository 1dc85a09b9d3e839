// Workload controller rows: Deployment, ReplicaSet, ReplicationController, StatefulSet,
// DaemonSet, ControllerRevision and PodTemplate. Replica counts are integers except where
// upstream prints "ready/desired" text.

import type { KubeObject } from '../object.js';
import { formatLabels, formatLabelSelector, labelSelectorFromMeta, labelSelectorString } from '../selectors/label-selector.js';
import { get, has, num } from './access.js';
import {
  ageColumn,
  ageOf,
  col,
  containerCells,
  containersColumn,
  imagesColumn,
  nameColumn,
  nameOf,
  selectorColumn,
  templateContainers,
} from './common.js';
import type { Printer } from './types.js';

// spec.replicas defaults to 1 in every apps/v1 workload and core/v1 ReplicationController.
const replicas = (o: unknown): number => (has(o, 'spec', 'replicas') ? num(o, 'spec', 'replicas') : 1);

/** LabelSelectorAsSelector(...).String(), "<invalid>" when the selector does not convert. */
function selectorString(sel: unknown): string {
  try {
    return labelSelectorString(labelSelectorFromMeta(sel));
  } catch {
    return '<invalid>';
  }
}

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Ready pods out of desired replicas.'),
    col('Up-to-date', 'string', 'Pods running the latest pod template.'),
    col('Available', 'string', 'Pods available to serve.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(d, now) {
    const [names, images] = containerCells(templateContainers(d, 'spec', 'template'));
    return [
      nameOf(d),
      `${num(d, 'status', 'readyReplicas')}/${replicas(d)}`,
      num(d, 'status', 'updatedReplicas'),
      num(d, 'status', 'availableReplicas'),
      ageOf(d, now),
      names,
      images,
      selectorString(get(d, 'spec', 'selector')),
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Desired', 'integer', 'Desired number of pods.'),
    col('Current', 'integer', 'Pods currently created.'),
    col('Ready', 'integer', 'Pods ready.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(rs, now) {
    const [names, images] = containerCells(templateContainers(rs, 'spec', 'template'));
    return [nameOf(rs), replicas(rs), num(rs, 'status', 'replicas'), num(rs, 'status', 'readyReplicas'), ageOf(rs, now), names, images, formatLabelSelector(get(rs, 'spec', 'selector'))];
  },
};

export const replicationControllerPrinter: Printer = {
  columns: replicaSetPrinter.columns,
  cells(rc, now) {
    const [names, images] = containerCells(templateContainers(rc, 'spec', 'template'));
    return [nameOf(rc), replicas(rc), num(rc, 'status', 'replicas'), num(rc, 'status', 'readyReplicas'), ageOf(rc, now), names, images, formatLabels(get(rc, 'spec', 'selector'))];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [nameColumn(), col('Ready', 'string', 'Ready pods out of desired replicas.'), ageColumn(), containersColumn(), imagesColumn()],
  cells(ss, now) {
    const [names, images] = containerCells(templateContainers(ss, 'spec', 'template'));
    return [nameOf(ss), `${num(ss, 'status', 'readyReplicas')}/${replicas(ss)}`, ageOf(ss, now), names, images];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Nodes running at least one daemon pod.'),
    col('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Nodes running the latest daemon pod template.'),
    col('Available', 'integer', 'Nodes whose daemon pod is available.'),
    col('Node Selector', 'string', 'Node labels the daemon pods are restricted to.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(ds, now) {
    const [names, images] = containerCells(templateContainers(ds, 'spec', 'template'));
    return [
      nameOf(ds),
      num(ds, 'status', 'desiredNumberScheduled'),
      num(ds, 'status', 'currentNumberScheduled'),
      num(ds, 'status', 'numberReady'),
      num(ds, 'status', 'updatedNumberScheduled'),
      num(ds, 'status', 'numberAvailable'),
      formatLabels(get(ds, 'spec', 'template', 'spec', 'nodeSelector')),
      ageOf(ds, now),
      names,
      images,
      formatLabelSelector(get(ds, 'spec', 'selector')),
    ];
  },
};

/** The controller owner as `kind.group/name` in lower case (formatResourceName with kind). */
function controllerOf(o: KubeObject): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = ref.kind ?? '';
  if (kind === '' && group === '') return ref.name;
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Controller', 'string', 'Object that owns this revision.'),
    col('Revision', 'string', 'Revision number of the stored state.'),
    ageColumn(),
  ],
  cells: (cr, now) => [nameOf(cr), controllerOf(cr), num(cr, 'revision'), ageOf(cr, now)],
};

export const podTemplatePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Containers', 'string', 'Container names in the template.'),
    col('Images', 'string', 'Container images in the template.'),
    col('Pod Labels', 'string', 'Labels of pods made from the template.'),
  ],
  cells(pt) {
    const [names, images] = containerCells(templateContainers(pt, 'template'));
    return [nameOf(pt), names, images, formatLabels(get(pt, 'template', 'metadata', 'labels'))];
  },
};

/** autoscaling/v1 Scale, printed for `kubectl get <workload> --subresource=scale`. */
export const scalePrinter: Printer = {
  columns: [
    // Upstream leaves the name format off this one column.
    col('Name', 'string', 'Name of the scaled object.'),
    col('Desired', 'integer', 'Desired replicas.'),
    col('Available', 'integer', 'Observed replicas.'),
    ageColumn(),
  ],
  cells: (s, now) => [nameOf(s), num(s, 'spec', 'replicas'), num(s, 'status', 'replicas'), ageOf(s, now)],
};
