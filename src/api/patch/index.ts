// The patch semantics of the API as pure functions: JSON patch, merge patch, strategic merge patch,
// and the type metadata (patch strategies, merge keys, list/map types) they and apply rely on.
export { applyJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
export { typeMeta, allTypeNames, defNameForKind } from './type-meta.js';
export type { TypeMeta, FieldMeta, GroupVersionKind, JsonTypeName } from './type-meta.js';
