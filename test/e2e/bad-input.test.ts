// Bad input against bin/k8ts over HTTPS: every malformed, mistyped, oversized or mutated request
// gets a 4xx metav1.Status worded as upstream words it, nothing stored changes, and the server
// keeps serving. Ends with a seeded fuzz run (K8TS_FUZZ_SEED / K8TS_FUZZ_COUNT to replay).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { Cluster } from './harness.js';
import { fuzzRequest, validObject } from './fuzz.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A keep-alive HTTPS client with the admin certificate and a per-request timeout. */
function client(c: Cluster) {
  const kc = readFileSync(c.kubeconfig, 'utf8');
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(kc)![1], 'base64').toString();
  const agent = new Agent({ keepAlive: true, maxSockets: 8, ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') });
  const send = (method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Res> =>
    new Promise((res, rej) => {
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
      const req = request({ host: '127.0.0.1', port: c.port, method, path, headers: h, agent }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (d: Buffer) => chunks.push(d));
        r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString() }));
        r.on('error', rej);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs}ms: ${method} ${path}`)));
      req.on('error', rej);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

interface Status {
  kind: string;
  apiVersion: string;
  status: string;
  code: number;
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string; message?: string }[] };
}

/** Asserts a failure is a well-formed metav1.Status whose code is the HTTP status; returns it. */
function statusOf(r: Res, what: string): Status {
  let s: Status;
  try {
    s = JSON.parse(r.body) as Status;
  } catch {
    throw new Error(`${what}: ${r.status} with a non-JSON body: ${r.body.slice(0, 200)}`);
  }
  assert.equal(s.kind, 'Status', what);
  assert.equal(s.apiVersion, 'v1', what);
  assert.equal(s.status, 'Failure', what);
  assert.equal(s.code, r.status, `${what}: code ${s.code} vs HTTP ${r.status}`);
  assert.ok(String(r.headers['content-type']).startsWith('application/json'), `${what}: content-type ${r.headers['content-type']}`);
  return s;
}

type Case = [name: string, method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>, code: number, reason: string, message: string | RegExp];

const NS = '/api/v1/namespaces/bad';
const CM = (extra: object = {}, meta: object = { name: 'cm-x' }) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, ...extra });
const POD = (spec: object, name: unknown = 'p-x') => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const DEPLOY = (spec: object, apiVersion = 'apps/v1') => JSON.stringify({ apiVersion, kind: 'Deployment', metadata: { name: 'd-x' }, spec });
const json = { 'content-type': 'application/json' };
const yaml = { 'content-type': 'application/yaml' };
const pb = { 'content-type': 'application/vnd.kubernetes.protobuf' };
const merge = { 'content-type': 'application/merge-patch+json' };
const jsonPatch = { 'content-type': 'application/json-patch+json' };
const smp = { 'content-type': 'application/strategic-merge-patch+json' };
const apply = { 'content-type': 'application/apply-patch+yaml' };
const TYPE_META = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
const NAME_RE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const MISSING = 'the server could not find the requested resource';

const CASES: Case[] = [
  // malformed bodies
  ['invalid JSON', 'POST', `${NS}/configmaps`, '{bad', json, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'b' looking for beginning of object key string ({bad)`],
  ['truncated JSON', 'POST', `${NS}/configmaps`, CM().slice(0, 25), json, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: unexpected end of JSON input (${CM().slice(0, 25)})`],
  ['trailing garbage', 'POST', `${NS}/configmaps`, `${CM()}}`, json, 400, 'BadRequest', /json parse error: invalid character '\}' after top-level value/],
  ['empty body', 'POST', `${NS}/configmaps`, '', json, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)`],
  ['JSON array', 'POST', `${NS}/configmaps`, '[1,2]', json, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type ${TYPE_META} (5b312c325d)`],
  ['JSON number', 'POST', `${NS}/configmaps`, '42', json, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal number into Go value of type ${TYPE_META} (3432)`],
  ['JSON string', 'POST', `${NS}/configmaps`, '"x"', json, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value of type ${TYPE_META} (227822)`],
  ['JSON null is an empty object', 'POST', `${NS}/configmaps`, 'null', json, 422, 'Invalid', 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'],
  ['bad string escape', 'POST', `${NS}/configmaps`, '{"a":"\\q"}', json, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'q' in string escape code ({"a":"\\q"})`],
  ['nesting past the limit', 'POST', `${NS}/configmaps`, `${'['.repeat(5000)}${']'.repeat(5000)}`, json, 400, 'BadRequest', /exceeded max nesting depth/],
  ['invalid YAML', 'POST', `${NS}/configmaps`, 'a: [b', yaml, 400, 'BadRequest', /^the object provided is unrecognized \(must be of type ConfigMap\): error converting YAML to JSON: yaml: line 1: .* \(61/],
  ['YAML nested past the limit', 'POST', `${NS}/configmaps`, `${'['.repeat(20_000)}${']'.repeat(20_000)}`, yaml, 400, 'BadRequest', /error converting YAML to JSON: yaml: exceeded max depth/],
  ['YAML alias bomb', 'POST', `${NS}/configmaps`, `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`, yaml, 400, 'BadRequest', /error converting YAML to JSON/],
  ['YAML that is a list', 'POST', `${NS}/configmaps`, '- a\n- b\n', yaml, 400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type ${TYPE_META} (2d20610a2d20620a)`],
  ['garbage protobuf', 'POST', `${NS}/configmaps`, 'garbage', pb, 400, 'BadRequest', 'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (67617262616765)'],
  ['empty protobuf', 'POST', `${NS}/configmaps`, '', pb, 400, 'BadRequest', 'the object provided is unrecognized (must be of type ConfigMap): empty data (<empty>)'],
  ['truncated protobuf', 'POST', `${NS}/configmaps`, Buffer.from('k8s\0\n\x0f\n\x02v1\x12\tConfigMap\x12\x05\n\x03\n\x01', 'latin1'), pb, 400, 'BadRequest', /^the object provided is unrecognized \(must be of type ConfigMap\): /],
  ['unsupported body type', 'POST', `${NS}/configmaps`, CM(), { 'content-type': 'text/plain' }, 415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml, application\/vnd.kubernetes.protobuf/],
  ['malformed content type', 'POST', `${NS}/configmaps`, CM(), { 'content-type': ';;;' }, 415, 'UnsupportedMediaType', /unknown format/],
  ['unsupported Accept', 'GET', `${NS}/configmaps`, undefined, { accept: 'text/html' }, 406, 'NotAcceptable', /^only the following media types are accepted: /],
  // wrong kinds and versions, unknown resources, verbs, scopes
  ['a Service posted to pods', 'POST', `${NS}/pods`, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }), json, 400, 'BadRequest', 'Service in version "v1" cannot be handled as a Pod: converting (v1.Service) to (core.Pod): unknown conversion'],
  ['apps/v2', 'POST', '/apis/apps/v1/namespaces/bad/deployments', DEPLOY({}, 'apps/v2'), json, 400, 'BadRequest', 'Deployment in version "v2" cannot be handled as a Deployment: no kind "Deployment" is registered for version "apps/v2" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
  ['lower-case kind', 'POST', `${NS}/pods`, JSON.stringify({ apiVersion: 'v1', kind: 'pod', metadata: { name: 'p' } }), json, 400, 'BadRequest', 'pod in version "v1" cannot be handled as a Pod: no kind "pod" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
  ['Deployment in the core group', 'POST', '/apis/apps/v1/namespaces/bad/deployments', DEPLOY({}, 'v1'), json, 400, 'BadRequest', 'Deployment in version "v1" cannot be handled as a Deployment: no kind "Deployment" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
  ['apiVersion with two slashes', 'POST', `${NS}/configmaps`, JSON.stringify({ apiVersion: 'a/b/c', kind: 'ConfigMap' }), json, 400, 'BadRequest', /unexpected GroupVersion string: a\/b\/c/],
  ['kind of the wrong type', 'POST', `${NS}/configmaps`, JSON.stringify({ apiVersion: 'v1', kind: 7 }), json, 400, 'BadRequest', /json: cannot unmarshal number into Go struct field \.kind of type string/],
  ['unknown resource', 'GET', `${NS}/foos`, undefined, {}, 404, 'NotFound', MISSING],
  ['unknown group', 'GET', '/apis/nope.example.com/v1/foos', undefined, {}, 404, 'NotFound', MISSING],
  ['unknown version', 'GET', '/apis/apps/v9/deployments', undefined, {}, 404, 'NotFound', MISSING],
  ['cluster-scoped resource under a namespace', 'GET', `${NS}/nodes`, undefined, {}, 404, 'NotFound', MISSING],
  ['POST to a named object', 'POST', `${NS}/configmaps/keep`, CM(), json, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  ['PUT on a collection', 'PUT', `${NS}/configmaps`, CM(), json, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  ['DELETE under the deprecated /watch/ prefix', 'DELETE', '/api/v1/watch/namespaces/default/configmaps', undefined, {}, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  ['an unrouted method', 'OPTIONS', '/api/v1/namespaces/default/configmaps', undefined, {}, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  ['deletecollection of a kind without it', 'DELETE', '/api/v1/namespaces', undefined, {}, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  ['unknown subresource', 'GET', `${NS}/configmaps/keep/nope`, undefined, {}, 404, 'NotFound', MISSING],
  // names and namespaces
  ['upper-case name', 'POST', `${NS}/configmaps`, CM({}, { name: 'UPPER' }), json, 422, 'Invalid', `ConfigMap "UPPER" is invalid: metadata.name: Invalid value: "UPPER": ${NAME_RE} (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`],
  ['underscore in a name', 'POST', '/apis/apps/v1/namespaces/bad/deployments', JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a_b' } }), json, 422, 'Invalid', /^Deployment\.apps "a_b" is invalid: \[?metadata\.name: Invalid value: "a_b": a lowercase RFC 1123 subdomain/],
  ['dot in a namespace name', 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }), json, 422, 'Invalid', /^Namespace "a\.b" is invalid: metadata\.name: Invalid value: "a\.b": a lowercase RFC 1123 label must consist of/],
  ['name of 64 characters for a label-named kind', 'POST', `${NS}/services`, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a'.repeat(64) }, spec: { ports: [{ port: 80 }] } }), json, 422, 'Invalid', /must be no more than 63 characters/],
  ['empty name', 'POST', `${NS}/configmaps`, CM({}, { name: '' }), json, 422, 'Invalid', 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'],
  ['namespace in the body differs', 'POST', `${NS}/configmaps`, CM({}, { name: 'x', namespace: 'other' }), json, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'],
  ['name in the body differs', 'PUT', `${NS}/configmaps/keep`, CM({}, { name: 'other' }), json, 400, 'BadRequest', 'the name of the object (other) does not match the name on the URL (keep)'],
  ['missing kind and apiVersion default to the endpoint', 'POST', `${NS}/configmaps?dryRun=All`, JSON.stringify({ metadata: { name: 'no-kind', namespace: 'bad' } }), json, 201, '', ''],
  // field validation and types
  ['Strict unknown field', 'POST', `${NS}/configmaps?fieldValidation=Strict`, CM({ foo: 1 }), json, 400, 'BadRequest', 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"'],
  ['invalid fieldValidation', 'POST', `${NS}/configmaps?fieldValidation=Bogus`, CM(), json, 422, 'Invalid', 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"'],
  ['invalid dryRun', 'POST', `${NS}/configmaps?dryRun=Yes`, CM(), json, 422, 'Invalid', 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Yes"}: supported values: "All"'],
  ['fieldManager too long', 'PUT', `${NS}/configmaps/keep?fieldManager=${'m'.repeat(129)}`, CM({}, { name: 'keep' }), json, 422, 'Invalid', 'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes'],
  ['string for replicas', 'POST', '/apis/apps/v1/namespaces/bad/deployments', DEPLOY({ replicas: '3' }), json, 400, 'BadRequest', 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
  ['object for image', 'POST', `${NS}/pods`, POD({ containers: [{ name: 'c', image: {} }] }), json, 400, 'BadRequest', 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field Container.spec.containers.image of type string'],
  ['number for name', 'POST', `${NS}/pods`, POD({ containers: [{ name: 'c', image: 'x' }] }, 5), json, 400, 'BadRequest', 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string'],
  // selectors and list parameters
  ['bad label selector', 'GET', `${NS}/pods?labelSelector=${encodeURIComponent('a in (b')}`, undefined, {}, 400, 'BadRequest', "unable to parse requirement: found '', expected: ',' or ')'"],
  ['bad label value', 'GET', `${NS}/pods?labelSelector=${encodeURIComponent('a=b c')}`, undefined, {}, 400, 'BadRequest', "found 'c', expected: ',' or 'end of string'"],
  ['unsupported field selector', 'GET', `${NS}/pods?fieldSelector=foo%3Dbar`, undefined, {}, 400, 'BadRequest', 'field label not supported: foo'],
  ['malformed field selector', 'GET', `${NS}/pods?fieldSelector=metadata.name`, undefined, {}, 400, 'BadRequest', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
  ['limit not a number', 'GET', `${NS}/pods?limit=abc`, undefined, {}, 400, 'BadRequest', 'strconv.ParseInt: parsing "abc": invalid syntax'],
  ['limit out of range', 'GET', `${NS}/pods?limit=99999999999999999999`, undefined, {}, 400, 'BadRequest', 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
  ['timeoutSeconds not a number', 'GET', `${NS}/pods?watch=true&timeoutSeconds=x`, undefined, {}, 400, 'BadRequest', 'strconv.ParseInt: parsing "x": invalid syntax'],
  ['invalid continue token', 'GET', `${NS}/pods?limit=1&continue=garbage`, undefined, {}, 400, 'BadRequest', /^continue key is not valid/],
  ['resourceVersion not a number', 'GET', `${NS}/pods?resourceVersion=abc`, undefined, {}, 400, 'BadRequest', /resourceVersion/],
  ['bad resourceVersionMatch', 'GET', `${NS}/pods?resourceVersion=1&resourceVersionMatch=Foo`, undefined, {}, 422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Foo": supported values: "Exact", "NotOlderThan", ""'],
  ['resourceVersionMatch without resourceVersion', 'GET', `${NS}/pods?resourceVersionMatch=Exact`, undefined, {}, 422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
  ['bad includeObject', 'GET', `${NS}/pods?includeObject=Bogus`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }, 400, 'BadRequest', /includeObject/],
  // patches
  ['merge patch: invalid JSON', 'PATCH', `${NS}/configmaps/keep`, '{bad', merge, 400, 'BadRequest', "error decoding patch: invalid character 'b' looking for beginning of object key string"],
  ['merge patch: not an object', 'PATCH', `${NS}/configmaps/keep`, '[1]', merge, 400, 'BadRequest', 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ['merge patch: invalid JSON with Ignore', 'PATCH', `${NS}/configmaps/keep?fieldValidation=Ignore`, '{bad', merge, 400, 'BadRequest', 'Invalid JSON Patch'],
  ['merge patch to a missing object', 'PATCH', `${NS}/configmaps/missing`, '{bad', merge, 404, 'NotFound', 'configmaps "missing" not found'],
  ['JSON patch: not a list', 'PATCH', `${NS}/configmaps/keep`, '{}', jsonPatch, 400, 'BadRequest', 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp'],
  ['JSON patch: op of the wrong type', 'PATCH', `${NS}/configmaps/keep`, '[{"op":1,"path":"/a"}]', jsonPatch, 400, 'BadRequest', 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string'],
  ['JSON patch: unknown op', 'PATCH', `${NS}/configmaps/keep`, '[{"op":"bogus","path":"/data/a"}]', jsonPatch, 422, 'Invalid', 'the server rejected our request due to an error in our request'],
  ['JSON patch: missing path', 'PATCH', `${NS}/configmaps/keep`, '[{"op":"remove","path":"/nope/x"}]', jsonPatch, 422, 'Invalid', 'the server rejected our request due to an error in our request'],
  ['JSON patch: failed test', 'PATCH', `${NS}/configmaps/keep`, '[{"op":"test","path":"/metadata/name","value":"zz"},{"op":"add","path":"/data/x","value":"y"}]', jsonPatch, 422, 'Invalid', 'the server rejected our request due to an error in our request'],
  ['strategic merge patch: not an object', 'PATCH', `${NS}/configmaps/keep`, '[]', smp, 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ['strategic merge patch: invalid JSON', 'PATCH', `${NS}/configmaps/keep`, '{"data":', smp, 400, 'BadRequest', 'unexpected end of JSON input'],
  ['strategic merge patch: bad $retainKeys', 'PATCH', `${NS}/configmaps/keep`, '{"metadata":{"$retainKeys":5}}', smp, 400, 'BadRequest', 'invalid patch format of retainKeys'],
  // Upstream passes unknown merge errors through as a reason-less 500 (interpretStrategicMergePatchError).
  ['strategic merge patch: unknown $patch', 'PATCH', `${NS}/configmaps/keep`, '{"metadata":{"$patch":"bogus"}}', smp, 500, '', /^unknown patch type: bogus in map: /],
  ['apply without fieldManager', 'PATCH', `${NS}/configmaps/keep`, CM({}, { name: 'keep' }), apply, 422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'],
  ['force on a merge patch', 'PATCH', `${NS}/configmaps/keep?force=true`, '{}', merge, 422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch'],
  ['apply with invalid YAML', 'PATCH', `${NS}/configmaps/keep?fieldManager=t`, 'a: [b', apply, 400, 'BadRequest', /^error decoding YAML: error converting YAML to JSON: yaml: line 1: /],
  ['apply of a list', 'PATCH', `${NS}/configmaps/keep?fieldManager=t`, '- a', apply, 400, 'BadRequest', 'error decoding YAML: json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ['apply of another kind', 'PATCH', `${NS}/configmaps/keep?fieldManager=t`, 'apiVersion: v1\nkind: Secret\n', apply, 400, 'BadRequest', 'invalid object type: /v1, Kind=Secret'],
  ['unsupported patch type', 'PATCH', `${NS}/configmaps/keep`, '{}', { 'content-type': 'application/json' }, 415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/strategic-merge-patch\+json, application\/apply-patch\+yaml/],
  ['patch without a content type', 'PATCH', `${NS}/configmaps/keep`, '{}', {}, 415, 'UnsupportedMediaType', /unknown format/],
  // deletes
  ['DeleteOptions body that is not JSON', 'DELETE', `${NS}/configmaps/keep`, '{bad', json, 400, 'BadRequest', /invalid character 'b' looking for beginning of object key string/],
  ['bad propagationPolicy', 'DELETE', `${NS}/configmaps/keep?propagationPolicy=Bogus`, undefined, {}, 422, 'Invalid', /^DeleteOptions\.meta\.k8s\.io "" is invalid: propagationPolicy: Unsupported value: "Bogus"/],
  ['gracePeriodSeconds not a number', 'DELETE', `${NS}/configmaps/keep?gracePeriodSeconds=soon`, undefined, {}, 400, 'BadRequest', 'strconv.ParseInt: parsing "soon": invalid syntax'],
  // odd request targets
  ['protocol-relative target', 'GET', '//evil.example.com/api/v1/pods', undefined, {}, 404, 'NotFound', MISSING],
];

interface DeploymentLike {
  metadata: { generation?: number; resourceVersion?: string; annotations?: Record<string, string>; managedFields?: { subresource?: string }[] };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number };
}

/**
 * What a bad request must not change. The kept Deployment's status keeps being written by its
 * controller (its pods never run: no nodes), so for it the status, the resourceVersion and the
 * status writer's managedFields entry are left out; its spec and metadata must stay as they were.
 */
function comparable(path: string, body: string): unknown {
  const o = JSON.parse(body) as DeploymentLike;
  if (!path.includes('/deployments/')) return o;
  const { status: _status, ...rest } = o;
  const { resourceVersion: _rv, managedFields, ...meta } = rest.metadata;
  return { ...rest, metadata: { ...meta, managedFields: managedFields?.filter((m) => m.subresource !== 'status') } };
}

describe('bad input gets a clear 4xx Status and changes nothing', () => {
  const c = new Cluster();
  let http: ReturnType<typeof client>;
  /** Objects created before the barrage, as first read back: they must not change. */
  const kept = new Map<string, string>();
  const KEPT_DEPLOYMENT = '/apis/apps/v1/namespaces/keep/deployments/keep';
  const KEEP_PATHS = ['/api/v1/namespaces/bad/configmaps/keep', '/api/v1/namespaces/keep/configmaps/keep', '/api/v1/namespaces/keep/secrets/keep', '/apis/apps/v1/namespaces/keep/deployments/keep', '/api/v1/namespaces/keep/services/keep', '/apis/rbac.authorization.k8s.io/v1/clusterroles/keep-role'];

  before(async () => {
    await c.start();
    http = client(c);
    const post = async (path: string, obj: object) => {
      const r = await http.send('POST', path, JSON.stringify(obj), json);
      assert.equal(r.status, 201, `${path}: ${r.body}`);
    };
    for (const ns of ['bad', 'keep', 'fuzz']) await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fuzz-ns', labels: { fuzz: 'true' } } });
    await post('/api/v1/namespaces/bad/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' }, data: { a: 'b' } });
    await post('/api/v1/namespaces/keep/configmaps', validObject('ConfigMap', 'v1', 'keep'));
    await post('/api/v1/namespaces/keep/secrets', validObject('Secret', 'v1', 'keep'));
    await post('/apis/apps/v1/namespaces/keep/deployments', validObject('Deployment', 'apps/v1', 'keep'));
    await post('/api/v1/namespaces/keep/services', validObject('Service', 'v1', 'keep'));
    await post('/apis/rbac.authorization.k8s.io/v1/clusterroles', { ...validObject('ClusterRole', 'rbac.authorization.k8s.io/v1', 'keep-role'), metadata: { name: 'keep-role' } });
    // Fuzz targets: objects the fuzzer may hit, patch and delete.
    for (const [prefix, resource, kind, av] of [
      ['/api/v1/namespaces/fuzz', 'pods', 'Pod', 'v1'],
      ['/api/v1/namespaces/fuzz', 'configmaps', 'ConfigMap', 'v1'],
      ['/api/v1/namespaces/fuzz', 'services', 'Service', 'v1'],
      ['/api/v1/namespaces/fuzz', 'secrets', 'Secret', 'v1'],
      ['/apis/apps/v1/namespaces/fuzz', 'deployments', 'Deployment', 'apps/v1'],
      ['/apis/batch/v1/namespaces/fuzz', 'jobs', 'Job', 'batch/v1'],
      ['/apis/networking.k8s.io/v1/namespaces/fuzz', 'ingresses', 'Ingress', 'networking.k8s.io/v1'],
      ['/apis/rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', 'rbac.authorization.k8s.io/v1'],
    ]) {
      await post(`${prefix}/${resource}`, validObject(kind, av, resource === 'clusterroles' ? 'fuzz-role' : 'e1'));
    }
    // The deployment controller writes the kept Deployment's revision annotation (through /status,
    // as upstream) and its status: wait for the annotation and a status of the current generation.
    const end = Date.now() + 30_000;
    for (;;) {
      const d = JSON.parse((await http.send('GET', KEPT_DEPLOYMENT)).body) as DeploymentLike;
      const st = d.status ?? {};
      if (d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1' && st.observedGeneration === d.metadata.generation && st.replicas === 1 && st.updatedReplicas === 1) break;
      assert.ok(Date.now() < end, `the kept Deployment did not settle: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const p of KEEP_PATHS) kept.set(p, (await http.send('GET', p)).body);
  });
  after(async () => {
    http?.close();
    await c.cleanup();
  });

  test('each malformed, mistyped or misaddressed request gets upstream\'s code, reason and message', async () => {
    const failures: string[] = [];
    for (const [name, method, path, body, headers, code, reason, message] of CASES) {
      const r = await http.send(method, path, body, headers);
      try {
        assert.equal(r.status, code, `status ${r.status}: ${r.body.slice(0, 300)}`);
        if (code >= 400) {
          const s = statusOf(r, name);
          assert.equal(s.reason ?? '', reason);
          if (typeof message === 'string') assert.equal(s.message, message);
          else assert.match(s.message ?? '', message);
        }
      } catch (e) {
        failures.push(`${name} (${method} ${path.slice(0, 80)}): ${(e as Error).message.split('\n').slice(0, 6).join(' ')}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('fieldValidation=Warn creates and warns; Ignore creates silently', async () => {
    const warn = await http.send('POST', `${NS}/configmaps?fieldValidation=Warn`, CM({ foo: 1 }, { name: 'warned' }), json);
    assert.equal(warn.status, 201, warn.body);
    assert.deepEqual(warn.headers.warning, '299 - "unknown field \\"foo\\""');
    const ignore = await http.send('POST', `${NS}/configmaps?fieldValidation=Ignore`, CM({ foo: 1 }, { name: 'ignored' }), json);
    assert.equal(ignore.status, 201, ignore.body);
    assert.equal(ignore.headers.warning, undefined);
    assert.equal((JSON.parse(ignore.body) as Record<string, unknown>).foo, undefined);
  });

  test('a body over 3 MiB is 413 RequestEntityTooLarge, and the server keeps serving', async () => {
    const big = CM({ data: { big: 'x'.repeat(3 * 1024 * 1024) } }, { name: 'big' });
    const r = await http.send('POST', `${NS}/configmaps`, big, json, 30_000);
    assert.equal(r.status, 413);
    const s = statusOf(r, 'too large');
    assert.equal(s.reason, 'RequestEntityTooLarge');
    assert.equal(s.message, 'Request entity too large: limit is 3145728');
    const p = await http.send('PATCH', `${NS}/configmaps/keep`, big, merge, 30_000);
    assert.equal(p.status, 413);
    assert.equal((await http.send('GET', '/readyz')).status, 200);
    assert.equal((await http.send('GET', `${NS}/configmaps/keep`)).status, 200);
  });

  test('kubectl prints the server\'s errors for bad input', async () => {
    const unknown = await c.kubectl(['create', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\n  namespace: bad\nfoo: 1\n' });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Error from server \(BadRequest\): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"/);
    const upper = await c.kubectl(['create', 'configmap', 'UPPER', '-n', 'bad']);
    assert.equal(upper.code, 1);
    assert.match(upper.stderr, /^error: failed to create configmap: ConfigMap "UPPER" is invalid: metadata\.name: Invalid value: "UPPER": a lowercase RFC 1123 subdomain/);
    const sel = await c.kubectl(['get', 'pods', '-n', 'bad', '-l', 'a in (b']);
    assert.equal(sel.code, 1);
    assert.match(sel.stderr, /unable to parse requirement/);
    const fsel = await c.kubectl(['get', 'pods', '-n', 'bad', '--field-selector', 'foo=bar']);
    assert.equal(fsel.code, 1);
    assert.match(fsel.stderr, /field label not supported: foo/);
    const patchBad = await c.kubectl(['patch', 'configmap', 'keep', '-n', 'bad', '--type', 'json', '-p', '[{"op":"remove","path":"/nope"}]']);
    assert.equal(patchBad.code, 1);
    assert.match(patchBad.stderr, /the server rejected our request due to an error in our request/);
  });

  test('a seeded fuzz run gets only well-formed answers below 500', async () => {
    const seed = Number(process.env.K8TS_FUZZ_SEED ?? 20261126);
    const count = Number(process.env.K8TS_FUZZ_COUNT ?? 1200);
    const target = { namespace: 'fuzz', existing: { pods: 'e1', configmaps: 'e1', services: 'e1', secrets: 'e1', deployments: 'e1', jobs: 'e1', ingresses: 'e1', clusterroles: 'fuzz-role', namespaces: 'fuzz-ns' } };
    const problems: string[] = [];
    const codes: Record<number, number> = {};
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < count && Date.now() - started < 40_000) {
        const i = next++;
        const f = fuzzRequest(seed, i, target);
        // A collection DELETE would wipe what the consistency check reads: only fuzz-labelled ones.
        if (f.method === 'DELETE') f.path = f.path.replace(/\?|$/, (m) => (m === '?' ? '?labelSelector=fuzz%3Dtrue&' : '?labelSelector=fuzz%3Dtrue'));
        let r: Res;
        try {
          r = await http.send(f.method, f.path, f.body, f.headers, 15_000);
        } catch (e) {
          problems.push(`#${i} ${f.method} ${f.path}: ${(e as Error).message}`);
          continue;
        }
        codes[r.status] = (codes[r.status] ?? 0) + 1;
        const what = `seed ${seed} #${i} ${f.method} ${f.path.slice(0, 120)} [${f.headers['content-type'] ?? ''}]`;
        if (r.status < 300 || f.method === 'HEAD' || r.status === 304) continue;
        try {
          const s = statusOf(r, what);
          assert.ok(s.reason, `${what}: no reason: ${r.body.slice(0, 200)}`);
          assert.ok(r.status < 500, `${what}: ${r.body.slice(0, 300)}`);
        } catch (e) {
          // Upstream answers a few strategic-merge-patch shapes with a reason-less 500 of the merge error.
          const s = (() => {
            try {
              return JSON.parse(r.body) as Status;
            } catch {
              return undefined;
            }
          })();
          if (r.status === 500 && s?.kind === 'Status' && !s.reason && f.headers['content-type'] === 'application/strategic-merge-patch+json') continue;
          problems.push((e as Error).message.split('\n')[0]);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    assert.deepEqual(problems, [], `answers by code: ${JSON.stringify(codes)}`);
    assert.ok(next >= Math.min(count, 1000), `only ${next} fuzz requests ran in time`);
  });

  test('afterwards the server is alive and ready, and nothing stored before the barrage changed', async () => {
    assert.equal(c.proc?.exitCode, null, 'the server process exited');
    assert.equal((await http.send('GET', '/readyz')).status, 200);
    for (const [p, before] of kept) {
      const now = await http.send('GET', p);
      assert.equal(now.status, 200, `${p}: ${now.body}`);
      assert.deepEqual(comparable(p, now.body), comparable(p, before), `${p} changed`);
    }
    const list = await http.send('GET', '/api/v1/namespaces/keep/configmaps');
    assert.equal(list.status, 200);
    assert.ok((JSON.parse(list.body) as { items: { metadata: { name: string } }[] }).items.some((i) => i.metadata.name === 'keep'));
    const all = await c.kubectl(['get', 'all', '-A']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /keep\s+deployment\.apps\/keep/);
    assert.match(all.stdout, /keep\s+service\/keep/);
  });
});
