// The structured-merge-diff view of an API type, derived from the OpenAPI type metadata: which
// maps are structs (named fields) or granular/atomic maps, and which lists are atomic, sets or
// associative lists with key fields. Lists default to atomic; for built-ins a merge patch
// strategy with a merge key makes an associative list, as upstream's schema conversion does.
import type { JsonValue } from '../object.js';
import { typeMeta as realTypeMeta } from '../patch/type-meta.js';
import type { FieldMeta, TypeMeta } from '../patch/type-meta.js';
import type { KeyField, PathElement } from './path-element.js';

export type TypeLookup = (defName: string) => TypeMeta | undefined;

export type SchemaNode =
  | { kind: 'scalar' }
  | { kind: 'struct'; def: string; atomic: boolean }
  | { kind: 'map'; elem: SchemaNode; atomic: boolean }
  | { kind: 'list'; elem: SchemaNode; rel: 'atomic' | 'set' | 'map'; keys: string[] }
  /** Untyped: maps are granular maps of untyped values, lists are atomic. */
  | { kind: 'deduced' };

const SCALAR: SchemaNode = { kind: 'scalar' };
const DEDUCED: SchemaNode = { kind: 'deduced' };

// Field schemas by type table, definition and field name. A Schema is made per request, and
// every write walks the object's fields through it: resolving each field once per process
// instead of once per visit took a share of each write.
const fieldCaches = new WeakMap<TypeLookup, Map<string, Map<string, SchemaNode>>>();

/** Resolves the schema of a definition and of its fields; holds the type table in use. */
export class Schema {
  private readonly fields: Map<string, Map<string, SchemaNode>>;

  constructor(readonly lookup: TypeLookup = realTypeMeta) {
    let cache = fieldCaches.get(lookup);
    if (!cache) fieldCaches.set(lookup, (cache = new Map()));
    this.fields = cache;
  }

  root(defName: string): SchemaNode {
    return this.refNode(defName, undefined);
  }

  private refNode(def: string, structType: string | undefined): SchemaNode {
    const tm = this.lookup(def);
    if (!tm) return DEDUCED;
    const hasFields = Object.keys(tm.fields).length > 0;
    if (!hasFields) return tm.type && tm.type !== 'object' ? SCALAR : DEDUCED;
    return { kind: 'struct', def, atomic: (structType ?? tm.mapType) === 'atomic' };
  }

  private elemNode(fm: FieldMeta): SchemaNode {
    if (fm.elemList) return { kind: 'list', elem: SCALAR, rel: 'atomic', keys: [] };
    if (fm.ref) return this.refNode(fm.ref, undefined);
    if (fm.elemType === 'object' || fm.elemType === 'array') return DEDUCED;
    return SCALAR;
  }

  fieldNode(fm: FieldMeta): SchemaNode {
    if (fm.list) {
      const elem = this.elemNode(fm);
      const merge = (fm.patchStrategy ?? '').split(',').includes('merge');
      let rel: 'atomic' | 'set' | 'map' = fm.listType ?? (merge ? (fm.patchMergeKey ? 'map' : 'set') : 'atomic');
      const keys = rel === 'map' ? (fm.listMapKeys ?? (fm.patchMergeKey ? [fm.patchMergeKey] : [])) : [];
      // A set of objects, or a map-list without keys, cannot be keyed: fall back to atomic.
      if ((rel === 'set' && elem.kind === 'struct') || (rel === 'map' && keys.length === 0)) rel = 'atomic';
      return { kind: 'list', elem, rel, keys };
    }
    if (fm.map) return { kind: 'map', elem: this.elemNode(fm), atomic: fm.mapType === 'atomic' };
    if (fm.ref) return this.refNode(fm.ref, fm.structType);
    if (fm.type === 'object') return DEDUCED;
    return SCALAR;
  }

  /** The schema of a struct's field, or undefined when the struct does not declare it. */
  structField(node: SchemaNode & { kind: 'struct' }, name: string): SchemaNode | undefined {
    let byName = this.fields.get(node.def);
    if (!byName) this.fields.set(node.def, (byName = new Map()));
    const known = byName.get(name);
    if (known) return known;
    const fields = this.lookup(node.def)?.fields;
    if (!fields || !Object.hasOwn(fields, name)) return undefined;
    // Only declared fields are kept: names a client makes up must not grow the cache.
    const field = this.fieldNode(fields[name]);
    byName.set(name, field);
    return field;
  }

  /** The schema of a map entry or struct field (undeclared struct fields are untyped). */
  child(node: SchemaNode, name: string): SchemaNode {
    if (node.kind === 'struct') return this.structField(node, name) ?? DEDUCED;
    if (node.kind === 'map') return node.elem;
    return DEDUCED;
  }

  /** The path element naming a list item: its key fields (with defaults) or, for sets, its value. */
  listItemElement(list: SchemaNode & { kind: 'list' }, item: JsonValue): PathElement | undefined {
    if (list.rel === 'set') {
      if (item === null || typeof item === 'object') return undefined;
      return { v: item };
    }
    if (list.rel !== 'map' || item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
    const k: KeyField[] = [];
    for (const name of list.keys) {
      if (Object.prototype.hasOwnProperty.call(item, name)) k.push([name, item[name]]);
      else {
        const d = keyDefault(list.elem, name);
        if (d !== undefined) k.push([name, d]);
      }
    }
    if (k.length === 0) return undefined;
    k.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { k };
  }

  /** Go zero-value shape of a struct: value-typed struct fields ({}), and non-omitempty slices (null). */
  zeroFields(node: SchemaNode): ZeroShape | undefined {
    if (node.kind !== 'struct') return undefined;
    const tm = this.lookup(node.def);
    const explicit = ZERO_SHAPES[node.def];
    const structs = [...(explicit?.structs ?? [])];
    // Top-level kinds embed ObjectMeta, and their spec/status, by value.
    if (tm?.gvk?.length) {
      for (const f of ['metadata', 'spec', 'status']) {
        const fm = tm.fields[f];
        if (fm?.ref && !fm.list && !fm.map && !POINTER_TOP_FIELDS.has(`${node.def}.${f}`)) structs.push(f);
      }
    }
    if (structs.length === 0 && !explicit?.nullLists) return undefined;
    return { structs, nullLists: explicit?.nullLists ?? [] };
  }
}

export interface ZeroShape {
  structs: string[];
  nullLists: string[];
}

// Defaults of associative-list key fields that the built-in OpenAPI declares (+default="TCP").
function keyDefault(elem: SchemaNode, name: string): JsonValue | undefined {
  if (elem.kind !== 'struct' || name !== 'protocol') return undefined;
  return elem.def === 'io.k8s.api.core.v1.ContainerPort' || elem.def === 'io.k8s.api.core.v1.ServicePort' ? 'TCP' : undefined;
}

// Upstream compares typed Go objects, in which value-typed struct fields are always present (and
// some slices are null rather than absent). Whether a path was "added" (and so is owned as a
// member, `.: {}`) depends on that; the v2 OpenAPI does not say which fields are values, so the
// common ones are listed here.
const ZERO_SHAPES: Record<string, { structs?: string[]; nullLists?: string[] }> = {
  'io.k8s.api.core.v1.PodTemplateSpec': { structs: ['metadata', 'spec'] },
  'io.k8s.api.core.v1.PodSpec': { nullLists: ['containers'] },
  'io.k8s.api.core.v1.Container': { structs: ['resources'] },
  'io.k8s.api.core.v1.EphemeralContainer': { structs: ['resources'] },
  'io.k8s.api.core.v1.ServiceStatus': { structs: ['loadBalancer'] },
  'io.k8s.api.core.v1.NodeStatus': { structs: ['daemonEndpoints', 'nodeInfo'] },
  'io.k8s.api.core.v1.NodeDaemonEndpoints': { structs: ['kubeletEndpoint'] },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { structs: ['resources'] },
  'io.k8s.api.core.v1.Event': { structs: ['involvedObject', 'source'] },
  'io.k8s.api.apps.v1.DeploymentSpec': { structs: ['template', 'strategy'] },
  'io.k8s.api.apps.v1.ReplicaSetSpec': { structs: ['template'] },
  'io.k8s.api.apps.v1.StatefulSetSpec': { structs: ['template', 'updateStrategy'] },
  'io.k8s.api.apps.v1.DaemonSetSpec': { structs: ['template', 'updateStrategy'] },
  'io.k8s.api.batch.v1.JobSpec': { structs: ['template'] },
  'io.k8s.api.batch.v1.CronJobSpec': { structs: ['jobTemplate'] },
  'io.k8s.api.batch.v1.JobTemplateSpec': { structs: ['metadata', 'spec'] },
  'io.k8s.api.networking.v1.IngressStatus': { structs: ['loadBalancer'] },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec': { structs: ['scaleTargetRef'] },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { structs: ['scaleTargetRef'] },
  'io.k8s.api.rbac.v1.RoleBinding': { structs: ['roleRef'] },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { structs: ['roleRef'] },
  'io.k8s.api.rbac.v1.Role': { nullLists: ['rules'] },
  'io.k8s.api.rbac.v1.ClusterRole': { nullLists: ['rules'] },
  'io.k8s.api.discovery.v1.EndpointSlice': { nullLists: ['endpoints'] },
};

// Top-level fields that are pointers in Go despite the spec/status naming.
const POINTER_TOP_FIELDS = new Set<string>([]);
