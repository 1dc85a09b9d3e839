// In-process test: every namespace gets the `default` ServiceAccount, and gets it back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../framework/testing.js';
import { serviceAccountController } from './index.js';

test('default ServiceAccount appears in a new namespace and comes back after deletion', async () => {
  const env = await controllerTestEnv();
  try {
    await env.start(serviceAccountController(env.ctx));
    const sas = env.clients.resource('serviceaccounts');
    await env.clients.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    const first = await env.eventually(() => sas.get('team-a', 'default').catch(() => undefined));
    // The bootstrap namespaces get one too.
    await env.eventually(() => sas.get('kube-system', 'default').catch(() => undefined));
    await sas.delete('team-a', 'default');
    const second = await env.eventually(async () => {
      const sa = await sas.get('team-a', 'default').catch(() => undefined);
      return sa && sa.metadata?.uid !== first.metadata?.uid ? sa : undefined;
    });
    assert.equal(second.metadata?.name, 'default');
  } finally {
    await env.stop();
  }
});
