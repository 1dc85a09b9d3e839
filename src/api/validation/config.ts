// ConfigMap and Secret validation: config keys, the 1 MiB size limit, per-type required keys and
// immutability.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { RenderedFieldError } from './go-errors.js';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, fieldImmutableErrorMsg } from './object-meta.js';
import { key, asStr, objOf, semanticEqual } from './util.js';

export const maxSecretSize = 1024 * 1024;

/** Decoded byte length of a base64 value (Secret data and ConfigMap binaryData are base64 on the wire). */
function base64Len(v: unknown): number {
  return Buffer.from(asStr(v), 'base64').length;
}

export function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = objOf(obj.data);
  const binary = objOf(obj.binaryData);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(key('data', k), k, m));
    if (k in binary) errs.push(field.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(asStr(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(key('binaryData', k), k, m));
    if (k in data) errs.push(field.invalid(key('binaryData', k), k, 'duplicate of key present in data'));
    total += base64Len(v);
  }
  // Upstream reports the whole object at the empty path.
  if (total > maxSecretSize) errs.push(new RenderedFieldError('FieldValueTooLong', '', undefined, `may not be more than ${maxSecretSize} bytes`));
  return errs;
}

export function validateConfigMapUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(obj.data, old.data)) errs.push(field.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(obj.binaryData, old.binaryData)) errs.push(field.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateConfigMap(obj));
  return errs;
}

export function validateSecret(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = objOf(obj.data);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(key('data', k), k, m));
    total += base64Len(v);
  }
  if (total > maxSecretSize) errs.push(field.tooLong('data', '', maxSecretSize));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  switch (asStr(obj.type)) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata?.annotations?.['kubernetes.io/service-account.name']) errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]', ''));
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const k = obj.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(k)) {
        errs.push(field.required(key('data', k), ''));
        break;
      }
      try {
        const parsed: unknown = JSON.parse(Buffer.from(asStr(data[k]), 'base64').toString('utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
      } catch (e) {
        errs.push(field.invalid(key('data', k), '<secret contents redacted>', e instanceof Error ? e.message : String(e)));
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(field.required(key('data', 'username'), ''), field.required(key('data', 'password'), ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Len(data['ssh-privatekey']) === 0) errs.push(field.required(key('data', 'ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(field.required(key('data', 'tls.crt'), ''));
      if (!has('tls.key')) errs.push(field.required(key('data', 'tls.key'), ''));
      break;
    default:
      break;
  }
  return errs;
}

export function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (asStr(obj.type) !== asStr(old.type)) errs.push(field.invalid('type', asStr(obj.type), fieldImmutableErrorMsg));
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!semanticEqual(obj.data, old.data)) errs.push(field.forbidden('data', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateSecret(obj));
  return errs;
}
