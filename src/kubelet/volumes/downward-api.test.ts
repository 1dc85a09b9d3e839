// Downward API rendering: Go quoting, label/annotation files, field paths and resource values.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { extractFieldPath, extractResourceValue, formatMap, goQuote } from './downward-api.js';

describe('goQuote', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['line\nbreak\ttab', '"line\\nbreak\\ttab"'],
    ['\x01', '"\\x01"'],
    ['héllo ✓', '"héllo ✓"'],
    ['', '""'],
  ];
  for (const [input, want] of cases) test(JSON.stringify(input), () => assert.equal(goQuote(input), want));
});

describe('formatMap', () => {
  const cases: [Record<string, string> | undefined, string][] = [
    [undefined, ''],
    [{}, ''],
    [{ app: 'web' }, 'app="web"'],
    [{ zone: 'b', app: 'web', 'app.kubernetes.io/name': 'x' }, 'app="web"\napp.kubernetes.io/name="x"\nzone="b"'],
    [{ note: 'say "hi"\n' }, 'note="say \\"hi\\"\\n"'],
  ];
  for (const [m, want] of cases) test(JSON.stringify(m), () => assert.equal(formatMap(m), want));
});

const pod: KubeObject = {
  metadata: { name: 'web-0', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { 'build/id': '42' } },
  spec: {
    containers: [
      { name: 'app', resources: { limits: { cpu: '1500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } } },
      { name: 'side' },
    ],
  },
};

describe('extractFieldPath', () => {
  const cases: [string, string | RegExp][] = [
    ['metadata.name', 'web-0'],
    ['metadata.namespace', 'shop'],
    ['metadata.uid', 'u-1'],
    ['metadata.labels', 'app="web"\ntier="front"'],
    ['metadata.annotations', 'build/id="42"'],
    ["metadata.labels['tier']", 'front'],
    ["metadata.annotations['build/id']", '42'],
    ["metadata.labels['missing']", ''],
    ['spec.nodeName', /unsupported fieldPath: spec.nodeName$/],
    ["metadata.name['x']", /fieldPath "metadata.name\['x'\]" does not support subscript$/],
  ];
  for (const [path, want] of cases) {
    test(path, () => {
      if (typeof want === 'string') assert.equal(extractFieldPath(pod, path), want);
      else assert.throws(() => extractFieldPath(pod, path), want);
    });
  }
});

describe('extractResourceValue', () => {
  const alloc = { cpu: '4', memory: '8Gi' };
  const cases: [string, string, string | number | undefined, string | RegExp][] = [
    ['app', 'limits.cpu', undefined, '2'],
    ['app', 'limits.cpu', '1m', '1500'],
    ['app', 'requests.cpu', '1m', '250'],
    ['app', 'limits.memory', undefined, String(128 * 1024 * 1024)],
    ['app', 'limits.memory', '1Mi', '128'],
    ['app', 'requests.memory', '1M', '68'],
    ['side', 'limits.cpu', undefined, '4'],
    ['side', 'limits.memory', '1Gi', '8'],
    ['side', 'requests.cpu', undefined, '0'],
    ['app', 'limits.gpu', undefined, /unsupported container resource : limits.gpu$/],
    ['nope', 'limits.cpu', undefined, /container nope not found$/],
  ];
  for (const [containerName, resource, divisor, want] of cases) {
    test(`${containerName} ${resource} / ${divisor ?? 1}`, () => {
      const ref = { containerName, resource, ...(divisor !== undefined ? { divisor } : {}) };
      if (typeof want === 'string') assert.equal(extractResourceValue(pod, ref, alloc), want);
      else assert.throws(() => extractResourceValue(pod, ref, alloc), want);
    });
  }
});
