// In-process test: kube-root-ca.crt is published into every namespace and restored when
// edited or deleted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv } from '../framework/testing.js';
import { DESCRIPTION, DESCRIPTION_ANNOTATION, rootCACertPublisher } from './index.js';
import { isCurrent } from './reconcile.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('isCurrent', () => {
  const cm = (data: Record<string, string>, annotated = true): KubeObject => ({ metadata: { annotations: annotated ? { [DESCRIPTION_ANNOTATION]: 'x' } : undefined }, data });
  assert.equal(isCurrent(cm({ 'ca.crt': CA }), CA), true);
  assert.equal(isCurrent(cm({ 'ca.crt': 'other' }), CA), false);
  assert.equal(isCurrent(cm({ 'ca.crt': CA, extra: 'x' }), CA), false);
  assert.equal(isCurrent(cm({ 'ca.crt': CA }, false), CA), false);
});

test('kube-root-ca.crt appears in every namespace and is restored', async () => {
  const env = await controllerTestEnv();
  try {
    await env.start(rootCACertPublisher(env.ctx, { caCert: CA }));
    const cms = env.clients.resource('configmaps');
    await env.clients.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
    const cm = await env.eventually(() => cms.get('team-b', 'kube-root-ca.crt').catch(() => undefined));
    assert.deepEqual(cm.data, { 'ca.crt': CA });
    assert.equal(cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION], DESCRIPTION);
    await env.eventually(() => cms.get('default', 'kube-root-ca.crt').catch(() => undefined));
    await cms.update({ ...cm, data: { 'ca.crt': 'tampered' } });
    await env.eventually(async () => ((await cms.get('team-b', 'kube-root-ca.crt')).data as Record<string, string>)['ca.crt'] === CA);
    await cms.delete('team-b', 'kube-root-ca.crt');
    await env.eventually(async () => {
      const again = await cms.get('team-b', 'kube-root-ca.crt').catch(() => undefined);
      return again && again.metadata?.uid !== cm.metadata?.uid;
    });
  } finally {
    await env.stop();
  }
});
