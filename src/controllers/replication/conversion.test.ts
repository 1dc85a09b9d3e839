// The RC selector as a LabelSelector: a table of selectors and the labels they match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { matchesLabels } from '../../api/selectors/index.js';
import { rcLabelSelector } from './conversion.js';

const rc = (selector: unknown): KubeObject => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'r' }, spec: { selector } as KubeObject['spec'] });

test('rcLabelSelector reads the plain label map as matchLabels', () => {
  const cases: { selector: unknown; labels: Record<string, string>; want: boolean }[] = [
    { selector: { app: 'web' }, labels: { app: 'web', tier: 'x' }, want: true },
    { selector: { app: 'web', tier: 'fe' }, labels: { app: 'web' }, want: false },
    { selector: { app: 'web' }, labels: { app: 'db' }, want: false },
    // Absent selects nothing (upstream's nil), empty selects everything (its empty LabelSelector).
    { selector: undefined, labels: { app: 'web' }, want: false },
    { selector: {}, labels: { app: 'web' }, want: true },
  ];
  for (const c of cases) assert.equal(matchesLabels(rcLabelSelector(rc(c.selector)), c.labels), c.want, JSON.stringify(c));
});
