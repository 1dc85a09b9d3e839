// Server-side apply and managedFields: the public surface the API server's write paths use.
export { applyConfiguration, updateManagedFields, LAST_APPLIED_ANNOTATION } from './field-manager.js';
export type { ApplyResult } from './field-manager.js';
export { managerFromUserAgent } from './user-agent.js';
export { FieldSet } from './field-set.js';
export { toFieldSet, toFieldsV1, parseFieldsV1 } from './fields-v1.js';
export type { Path, PathElement } from './path-element.js';
export { pathString, serializePathElement, deserializePathElement } from './path-element.js';
export { decodeManagedFields, encodeManagedFields, managerIdentifier, printManager } from './managed-fields.js';
export type { TypeLookup } from './schema.js';
