import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { componentStatusPrinter } from './component-status.js';
import { printerFor } from './index.js';
import { NOW } from './testing.js';

const cs = (conditions?: unknown[]): KubeObject => ({ kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name: 'scheduler', creationTimestamp: null }, ...(conditions ? { conditions } : {}) });

describe('componentstatuses printer', () => {
  test('columns as upstream', () => {
    assert.deepEqual(componentStatusPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]), [
      ['Name', 'string', 'name', 0],
      ['Status', 'string', '', 0],
      ['Message', 'string', '', 0],
      ['Error', 'string', '', 0],
    ]);
    assert.equal(printerFor('', 'componentstatuses'), componentStatusPrinter);
  });

  const cases: [string, KubeObject, unknown[]][] = [
    ['healthy', cs([{ type: 'Healthy', status: 'True', message: 'ok' }]), ['scheduler', 'Healthy', 'ok', '']],
    ['failed probe: reason in the message', cs([{ type: 'Healthy', status: 'False', message: 'lease kube-system/kube-scheduler not found' }]), ['scheduler', 'Unhealthy', 'lease kube-system/kube-scheduler not found', '']],
    ['unknown prints Unhealthy', cs([{ type: 'Healthy', status: 'Unknown', error: 'boom' }]), ['scheduler', 'Unhealthy', '', 'boom']],
    ['no Healthy condition', cs([{ type: 'Other', status: 'True', message: 'x' }]), ['scheduler', 'Unknown', '', '']],
    ['no conditions', cs(), ['scheduler', 'Unknown', '', '']],
    ['first Healthy condition wins', cs([{ type: 'Healthy', status: 'True', message: 'a' }, { type: 'Healthy', status: 'False', message: 'b' }]), ['scheduler', 'Healthy', 'a', '']],
  ];
  for (const [name, obj, want] of cases) test(name, () => assert.deepEqual(componentStatusPrinter.cells(obj, NOW), want));
});
