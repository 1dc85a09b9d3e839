// Request body decoding (JSON, YAML, protobuf) and response negotiation (JSON, YAML, Table).
// Answers are always JSON-based: kubectl lists application/json after protobuf in every Accept.

import { parseAllDocuments } from 'yaml';
import { errors } from '../api/errors.js';
import { isPlainObject } from '../api/object.js';
import { decodeProtobufObject } from './protobuf/decode.js';
import { goJsonKind, goJsonSyntaxError, jsonNestingDepth } from './rest/go-json.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
export const DECODABLE_TYPES = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE];

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Nesting limits. Go allows 10000 levels; V8's JSON.stringify and the recursive walkers after
 * decoding overflow the stack a few thousand levels down, and the YAML parser after about 900
 * (and deeper input can abort the process). No Kubernetes object comes near either limit.
 */
export const MAX_JSON_DEPTH = 1000;
export const MAX_YAML_DEPTH = 500;

/** A body that could not be decoded; the message is upstream's wording for the cause. */
export class DecodeError extends Error {}

const TYPE_META_STRUCT = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * Decodes a create/update body into a JSON object; every failure is a 400 StatusError. With
 * `into` (the endpoint's kind) failures read as upstream's transformDecodeError words them.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, into?: string): Record<string, unknown> {
  const type = mediaType(contentType) || (contentType?.trim() ? '' : JSON_TYPE); // kubectl's scale PUT carries no Content-Type
  if (type !== JSON_TYPE && type !== YAML_TYPE && type !== PROTOBUF_TYPE) throw errors.unsupportedMediaType(type || (contentType ?? ''), DECODABLE_TYPES);
  try {
    let value: unknown;
    if (type === PROTOBUF_TYPE) value = decodeProtobufBody(body);
    else {
      value = type === JSON_TYPE ? goJsonParse(body) : parseYamlBody(body);
      // encoding/json reads null into the type-meta struct as nothing: the endpoint's defaults apply.
      if (value === null) value = {};
      if (!isPlainObject(value)) throw new DecodeError(`couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonKind(value)} into Go value of type ${TYPE_META_STRUCT}`);
    }
    return value as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    if (into) throw errors.badRequest(`the object provided is unrecognized (must be of type ${into}): ${e.message} (${summarizeData(body)})`);
    throw errors.badRequest(e.message);
  }
}

function decodeProtobufBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw new DecodeError('empty data');
  if (body.length < 4 || body.readUInt32BE(0) !== 0x6b387300) throw new DecodeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  try {
    return decodeProtobufObject(body).object as Record<string, unknown>;
  } catch (e) {
    throw new DecodeError(e instanceof Error ? e.message : String(e));
  }
}

/** upstream's summarizeData: JSON-looking bodies as text, anything else as hex, 30 bytes at most. */
export function summarizeData(data: Buffer, maxLength = 30): string {
  if (data.length === 0) return '<empty>';
  const cut = data.length > maxLength;
  const head = data.subarray(0, maxLength);
  if (data[0] === 0x7b) return cut ? `${head.toString('utf8')} ...` : head.toString('utf8');
  return cut ? `${head.toString('hex')} ...` : head.toString('hex');
}

/** JSON as encoding/json accepts it; a DecodeError carries its message (prefixed as Interpret does). */
export function goJsonParse(body: Buffer, prefix = "couldn't get version/kind; json parse error: "): unknown {
  if (jsonNestingDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new DecodeError(`${prefix}${goJsonSyntaxError(body, MAX_JSON_DEPTH) ?? 'exceeded max nesting depth'}`);
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new DecodeError(`${prefix}${goJsonSyntaxError(body) ?? 'invalid JSON'}`);
  }
}

/** JSON for callers that want a StatusError (patches, DeleteOptions). */
export function parseJson(body: Buffer, prefix?: string): unknown {
  try {
    return goJsonParse(body, prefix);
  } catch (e) {
    if (e instanceof DecodeError) throw errors.badRequest(e.message);
    throw e;
  }
}

/**
 * A rough upper bound of YAML nesting (open indentation levels, `- ` entries and flow
 * brackets per line), computed in one pass so the parser never sees what would overflow it.
 */
export function yamlNestingDepth(text: string, limit: number): number {
  let max = 0;
  let flow = 0;
  const indents: number[] = [];
  for (const line of text.split('\n')) {
    let i = 0;
    while (i < line.length && line.charCodeAt(i) === 0x20) i++;
    if (i === line.length || line[i] === '#') continue;
    while (indents.length && indents[indents.length - 1] > i) indents.pop();
    if (!indents.length || indents[indents.length - 1] < i) indents.push(i);
    let seq = 0;
    while (line[i] === '-' || line[i] === '?') {
      if (line[i + 1] !== ' ' && i + 1 !== line.length) break;
      seq++;
      i += 2;
      while (line[i] === ' ') i++;
    }
    let peak = flow;
    for (; i < line.length; i++) {
      const c = line[i];
      if (c === '[' || c === '{') peak = Math.max(peak, ++flow);
      else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    const depth = indents.length + seq + peak;
    if (depth > max && (max = depth) > limit) return max;
  }
  return max;
}

export function parseYamlBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (yamlNestingDepth(text, MAX_YAML_DEPTH) > MAX_YAML_DEPTH) throw new DecodeError(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_YAML_DEPTH}`);
  try {
    // Only the first document counts, as sigs.k8s.io/yaml reads it; warnings must not reach stderr.
    const docs = parseAllDocuments(text, { uniqueKeys: true, logLevel: 'error' });
    const doc = Array.isArray(docs) ? docs[0] : docs;
    if (!doc) return null;
    if (doc.errors.length) throw doc.errors[0];
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    const err = e as { message?: string; linePos?: { line: number }[] };
    const line = err.linePos?.[0]?.line;
    const msg = String(err.message ?? e).split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new DecodeError(`error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${msg}`);
  }
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
