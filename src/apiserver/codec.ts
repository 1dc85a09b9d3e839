// Request body decoding (JSON, YAML, protobuf) and response negotiation (JSON, YAML, Table).
// Answers are always JSON-based: kubectl lists application/json after protobuf in every Accept.

import { parse as parseYaml } from 'yaml';
import { errors } from '../api/errors.js';
import { isPlainObject } from '../api/object.js';
import { decodeProtobufObject } from './protobuf/decode.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
export const DECODABLE_TYPES = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE];

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Decodes a create/update body into a JSON object; every failure is a 4xx StatusError. */
export function decodeBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const type = mediaType(contentType) || JSON_TYPE; // kubectl's scale PUT carries no Content-Type
  let value: unknown;
  if (type === JSON_TYPE || type === '*/*') value = parseJson(body);
  else if (type === YAML_TYPE || type === 'application/x-yaml' || type === 'text/yaml') value = parseYamlBody(body);
  else if (type === PROTOBUF_TYPE) value = decodeProtobufObject(body).object;
  else throw errors.unsupportedMediaType(type, DECODABLE_TYPES);
  if (!isPlainObject(value)) throw errors.badRequest(`Object 'Kind' is missing in '${truncate(body.toString('utf8'))}'`);
  return value;
}

export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'), { maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}

export type Rendering = { kind: 'json' } | { kind: 'yaml' } | { kind: 'table'; version: 'v1' | 'v1beta1' };

interface AcceptEntry {
  type: string;
  params: Record<string, string>;
}

function parseAccept(accept: string | undefined): AcceptEntry[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

/**
 * Picks the answer's form from Accept, in the client's order. `tableAllowed` is false for
 * subresources and non-object answers, where upstream falls through to the next entry.
 */
export function negotiate(accept: string | undefined, tableAllowed: boolean): Rendering {
  const entries = parseAccept(accept);
  if (entries.length === 0) return { kind: 'json' };
  for (const e of entries) {
    if (e.params.as === 'Table') {
      if (tableAllowed && e.params.g === 'meta.k8s.io' && (e.params.v === 'v1' || e.params.v === 'v1beta1') && (e.type === JSON_TYPE || e.type === '*/*')) {
        return { kind: 'table', version: e.params.v };
      }
      continue;
    }
    if (e.params.as) continue; // PartialObjectMetadata etc. are not served
    if (e.type === JSON_TYPE || e.type === '*/*' || e.type === 'application/*') return { kind: 'json' };
    if (e.type === YAML_TYPE) return { kind: 'yaml' };
  }
  throw errors.notAcceptable([JSON_TYPE, YAML_TYPE, 'application/json;as=Table;v=v1;g=meta.k8s.io']);
}
