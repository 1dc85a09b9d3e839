import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { StatusError } from '../../api/errors.js';
import { decodeProtobufObject } from './decode.js';
import { concat, envelope, msg, packed } from './test-wire.js';

interface Fixture {
  command: string;
  path: string;
  body: string;
  expected: Record<string, unknown>;
}

// Bodies kubectl v1.32.4 really sent (captured), with the JSON the same command prints under
// --dry-run=client -o json (minus `creationTimestamp: null` / `rules: null`, which we omit).
const fixtures = JSON.parse(readFileSync(new URL('./testdata/kubectl-bodies.json', import.meta.url), 'utf8')) as Fixture[];

function decode(apiVersion: string, kind: string, raw: Uint8Array): Record<string, unknown> {
  return decodeProtobufObject(envelope(apiVersion, kind, raw)).object;
}

function rejects(body: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeProtobufObject(body),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && pattern.test(e.message),
  );
}

describe('decodeProtobufObject: captured kubectl bodies', () => {
  for (const f of fixtures) {
    test(f.command, () => {
      const got = decodeProtobufObject(Buffer.from(f.body, 'base64'));
      assert.deepEqual(got.object, f.expected);
      assert.equal(got.apiVersion, f.expected.apiVersion);
      assert.equal(got.kind, f.expected.kind);
      // Go writes TypeMeta first: kind, then apiVersion.
      assert.deepEqual(Object.keys(got.object).slice(0, 2), ['kind', 'apiVersion']);
    });
  }
});

describe('decodeProtobufObject: wire-special types', () => {
  test('metav1.Time: seconds → RFC 3339 without fraction; empty message (zero time) omitted', () => {
    const o = decode('v1', 'Pod', msg([1, msg([1, 'p'], [8, msg([1, 1700000000], [2, 999999999])], [9, new Uint8Array(0)])]));
    assert.deepEqual(o.metadata, { name: 'p', creationTimestamp: '2023-11-14T22:13:20Z' });
  });

  test('metav1.Time: explicit zero seconds is the Unix epoch, not the zero time', () => {
    const o = decode('v1', 'Pod', msg([1, msg([8, msg([1, 0])])]));
    assert.deepEqual(o.metadata, { creationTimestamp: '1970-01-01T00:00:00Z' });
  });

  test('metav1.Time: a year Go cannot marshal is rejected', () => {
    rejects(envelope('v1', 'Pod', msg([1, msg([8, msg([1, 300000000000])])])), /year outside of range/);
  });

  test('metav1.MicroTime: six fractional digits', () => {
    const o = decode('events.k8s.io/v1', 'Event', msg([1, msg([1, 'e'])], [2, msg([1, 1700000000], [2, 123456789])]));
    assert.equal(o.eventTime, '2023-11-14T22:13:20.123456Z');
  });

  test('map<string, Time> (PodDisruptionBudget status.disruptedPods)', () => {
    const entry = msg([1, 'pod-a'], [2, msg([1, 1700000000])]);
    const o = decode('policy/v1', 'PodDisruptionBudget', msg([3, msg([2, entry])]));
    assert.deepEqual((o.status as Record<string, unknown>).disruptedPods, { 'pod-a': '2023-11-14T22:13:20Z' });
  });

  test('resource.Quantity in a map, and an empty Quantity reads as "0"', () => {
    const limits = concat(msg([1, msg([1, 'cpu'], [2, msg([1, '500m'])])]), msg([1, msg([1, 'memory'], [2, msg()])]));
    const container = msg([1, 'c'], [8, limits]);
    const o = decode('v1', 'Pod', msg([2, msg([2, container])]));
    assert.deepEqual((o.spec as { containers: unknown[] }).containers[0], { name: 'c', resources: { limits: { cpu: '500m', memory: '0' } } });
  });

  test('intstr.IntOrString: string, int, zero in an omitempty field omitted, zero in a required field kept', () => {
    const port = (ip: Uint8Array) => msg([1, 'p'], [3, 80], [4, ip]);
    const o = decode('v1', 'Service', msg([2, concat(
      msg([1, port(msg([1, 1], [2, 0], [3, 'http']))]),
      msg([1, port(msg([1, 0], [2, 8080], [3, '']))]),
      msg([1, port(msg([1, 0], [2, 0], [3, '']))]),
    )]));
    assert.deepEqual((o.spec as { ports: unknown[] }).ports, [
      { name: 'p', port: 80, targetPort: 'http' },
      { name: 'p', port: 80, targetPort: 8080 },
      { name: 'p', port: 80 },
    ]);
    const probe = msg([1, msg([2, msg([1, '/healthz'], [2, msg([1, 0], [2, 0], [3, ''])])])]);
    const pod = decode('v1', 'Pod', msg([2, msg([2, msg([1, 'c'], [10, probe])])]));
    assert.deepEqual((pod.spec as { containers: Array<Record<string, unknown>> }).containers[0]!.livenessProbe, { httpGet: { path: '/healthz', port: 0 } });
  });

  test('runtime.RawExtension: JSON raw is parsed, nested protobuf is decoded, empty is omitted', () => {
    const json = decode('apps/v1', 'ControllerRevision', msg([1, msg([1, 'r'])], [2, msg([1, '{"spec":{"x":[1,2]}}'])], [3, 2]));
    assert.deepEqual(json, { kind: 'ControllerRevision', apiVersion: 'apps/v1', metadata: { name: 'r' }, data: { spec: { x: [1, 2] } }, revision: 2 });
    const inner = envelope('v1', 'ConfigMap', msg([1, msg([1, 'cm'])], [2, msg([1, 'k'], [2, 'v'])]));
    const nested = decode('apps/v1', 'ControllerRevision', msg([2, msg([1, inner])], [3, 1]));
    assert.deepEqual(nested.data, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm' }, data: { k: 'v' } });
    assert.deepEqual(decode('apps/v1', 'ControllerRevision', msg([2, msg()], [3, 1])), { kind: 'ControllerRevision', apiVersion: 'apps/v1', revision: 1 });
    rejects(envelope('apps/v1', 'ControllerRevision', msg([2, msg([1, '{nope'])])), /not JSON/);
  });

  test('metav1.FieldsV1 in managedFields is raw JSON', () => {
    const entry = msg([1, 'kubectl'], [2, 'Apply'], [3, 'v1'], [4, msg([1, 1700000000])], [6, 'FieldsV1'], [7, msg([1, '{"f:data":{"f:a":{}}}'])]);
    const o = decode('v1', 'ConfigMap', msg([1, msg([1, 'cm'], [17, entry])]));
    assert.deepEqual((o.metadata as { managedFields: unknown }).managedFields, [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2023-11-14T22:13:20Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ]);
  });

  test('bytes map values become base64 (Secret data, ConfigMap binaryData), empty bytes kept in maps', () => {
    const o = decode('v1', 'Secret', msg([2, msg([1, 'bin'], [2, Uint8Array.of(0, 255, 10)])], [2, msg([1, 'empty'], [2, new Uint8Array(0)])], [3, 'Opaque']));
    assert.deepEqual(o, { kind: 'Secret', apiVersion: 'v1', data: { bin: 'AP8K', empty: '' }, type: 'Opaque' });
    const cm = decode('v1', 'ConfigMap', msg([3, msg([1, 'b'], [2, Uint8Array.of(1, 2, 3)])]));
    assert.deepEqual(cm.binaryData, { b: 'AQID' });
  });

  test('map entries with a missing key or value take the zero value; __proto__ stays a plain key', () => {
    const o = decode('v1', 'ConfigMap', msg([2, msg([2, 'no-key'])], [2, msg([1, 'no-value'])], [2, msg([1, '__proto__'], [2, 'x'])]));
    assert.deepEqual(o.data, JSON.parse('{"":"no-key","no-value":"","__proto__":"x"}'));
    assert.equal(Object.getPrototypeOf(o.data), Object.prototype);
  });

  test('ExtraValue wrappers become plain string arrays', () => {
    const extra = msg([1, 'scopes'], [2, msg([1, 'a'], [1, 'b'])]);
    const o = decode('authorization.k8s.io/v1', 'SubjectAccessReview', msg([2, msg([3, 'alice'], [4, 'devs'], [5, extra])]));
    assert.deepEqual(o.spec, { user: 'alice', groups: ['devs'], extra: { scopes: ['a', 'b'] } });
    const user = msg([1, 'bob'], [4, msg([1, 'k'], [2, msg()])]);
    const tr = decode('authentication.k8s.io/v1', 'TokenReview', msg([3, msg([1, true], [2, user])]));
    assert.deepEqual(tr.status, { authenticated: true, user: { username: 'bob', extra: { k: [] } } });
  });
});

describe('decodeProtobufObject: numbers and repeated fields', () => {
  const exitCodes = (values: Uint8Array) => {
    const rule = msg([1, 'FailJob'], [2, concat(msg([2, 'In']), values)]);
    const o = decode('batch/v1', 'Job', msg([2, msg([11, msg([1, rule])])]));
    return ((o.spec as { podFailurePolicy: { rules: Array<{ onExitCodes: { values: number[] } }> } }).podFailurePolicy.rules[0]!.onExitCodes.values);
  };

  test('packed and unpacked repeated int32 decode alike, and mix', () => {
    assert.deepEqual(exitCodes(packed(3, [1, 42, 300])), [1, 42, 300]);
    assert.deepEqual(exitCodes(msg([3, 1], [3, 42], [3, 300])), [1, 42, 300]);
    assert.deepEqual(exitCodes(concat(msg([3, 7]), packed(3, [8, 9]))), [7, 8, 9]);
  });

  test('negative int32 / int64 (ten-byte varints), int64 beyond 2^53', () => {
    const o = decode('apps/v1', 'Deployment', msg([1, msg([7, 2n ** 60n], [10, -1])], [2, msg([1, -3])]));
    assert.deepEqual(o.metadata, { generation: 2 ** 60, deletionGracePeriodSeconds: -1 });
    assert.equal((o.spec as { replicas: number }).replicas, -3);
    const max = decode('apps/v1', 'Deployment', msg([1, msg([7, 2n ** 64n - 1n])]));
    assert.equal((max.metadata as { generation: number }).generation, -1);
  });

  test('omitempty: zero non-pointer values dropped, pointer and required zero values kept', () => {
    const status = msg([1, 'c'], [4, false], [5, 0], [6, 'nginx'], [7, ''], [8, ''], [9, false]);
    const o = decode('v1', 'Pod', msg([2, msg([2, msg([1, 'c'])], [11, false], [3, ''], [25, 0])], [3, msg([1, 'Running'], [8, status])]));
    assert.deepEqual(o.spec, { containers: [{ name: 'c' }], priority: 0 });
    assert.deepEqual(o.status, { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'nginx', imageID: '', started: false }] });
    assert.deepEqual(decode('apps/v1', 'Deployment', msg([2, msg([1, 0], [7, false])])).spec, { replicas: 0 });
  });

  test('inline structs (Volume source, Probe handler, EphemeralContainer) merge into the parent', () => {
    const volume = msg([1, 'scratch'], [2, msg([2, msg([1, 'Memory'], [2, msg([1, '1Gi'])])])]);
    const probe = msg([1, msg([3, msg([1, msg([1, 0], [2, 80], [3, ''])])])], [2, 5]);
    const eph = msg([1, msg([1, 'debug'], [2, 'busybox'])], [2, 'c']);
    const o = decode('v1', 'Pod', msg([2, msg([1, volume], [2, msg([1, 'c'], [11, probe])], [34, eph])]));
    assert.deepEqual(o.spec, {
      volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }],
      containers: [{ name: 'c', readinessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 5 } }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox', targetContainerName: 'c' }],
    });
  });

  test('unknown fields of every wire type are skipped; a repeated singular field keeps the last value', () => {
    const unknown = Uint8Array.of(0xf8, 0x01, 0x05, 0xf9, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0xfd, 0x01, 1, 2, 3, 4, 0xfa, 0x01, 0x01, 0x00);
    const o = decode('v1', 'Namespace', concat(msg([1, msg([1, 'first'])]), unknown, msg([1, msg([1, 'second'])])));
    assert.deepEqual(o, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'second' } });
  });

  test('invalid UTF-8 in strings becomes U+FFFD, as Go JSON writes it', () => {
    const o = decode('v1', 'Namespace', msg([1, msg([1, Uint8Array.of(0x61, 0xff, 0x62)])]));
    assert.deepEqual(o.metadata, { name: 'a\ufffdb' });
  });
});

describe('decodeProtobufObject: envelope', () => {
  test('DeleteOptions is accepted under any apiVersion', () => {
    for (const v of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
      const o = decode(v, 'DeleteOptions', msg([1, 0], [4, 'Foreground'], [5, 'All']));
      assert.deepEqual(o, { kind: 'DeleteOptions', apiVersion: v, gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] });
    }
  });

  test('empty TypeMeta takes the defaults given (the request path), else is a 400', () => {
    const body = concat(Uint8Array.of(0x6b, 0x38, 0x73, 0x00), msg([2, msg([1, msg([1, 'ns'])])]));
    assert.deepEqual(decodeProtobufObject(body, { apiVersion: 'v1', kind: 'Namespace' }).object, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'ns' } });
    rejects(body, /Kind' is missing/);
  });

  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty body', new Uint8Array(0), /magic/],
    ['JSON body', new TextEncoder().encode('{"kind":"Pod"}'), /magic/],
    ['unknown kind', envelope('v1', 'Widget', msg()), /no kind "Widget" is registered for version "v1"/],
    ['kind in the wrong group', envelope('v1', 'Deployment', msg()), /no kind "Deployment"/],
    ['truncated varint', envelope('apps/v1', 'Deployment', Uint8Array.of(0x12, 0x02, 0x08, 0x80)), /end of data in varint/],
    ['length past the end', envelope('v1', 'Namespace', Uint8Array.of(0x0a, 0x7f, 0x00)), /exceeds/],
    ['wire type mismatch', envelope('v1', 'Namespace', Uint8Array.of(0x08, 0x01)), /wrong wire type 0 for field core.v1.Namespace.metadata \(1\), expected 2/],
    ['group wire type on an unknown field', envelope('v1', 'Namespace', Uint8Array.of(0x7b)), /unsupported wire type 3/],
    ['field number 0', envelope('v1', 'Namespace', Uint8Array.of(0x02, 0x00)), /field number 0/],
    ['varint over 64 bits', envelope('v1', 'Namespace', concat(Uint8Array.of(0x0a, 0x0c, 0x38), new Uint8Array(10).fill(0xff), Uint8Array.of(0x01))), /overflows 64 bits/],
    ['truncated envelope', Uint8Array.of(0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05, 0x0a), /exceeds/],
    ['typeMeta with a varint', Uint8Array.of(0x6b, 0x38, 0x73, 0x00, 0x08, 0x01), /runtime.Unknown field 1/],
  ];
  for (const [name, body, pattern] of cases) {
    test(`rejects ${name} with a 400`, () => rejects(body, pattern));
  }

  test('nesting deeper than the limit is a 400, not a stack overflow', () => {
    let body = envelope('v1', 'ConfigMap', msg());
    for (let i = 0; i < 150; i++) body = envelope('apps/v1', 'ControllerRevision', msg([2, msg([1, body])]));
    rejects(body, /nesting deeper/);
  });
});
