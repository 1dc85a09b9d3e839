// The API side of volume set-up against an in-process server that issues tokens: getters map
// NotFound to undefined, and the TokenRequest yields a pod-bound JWT (claims as upstream's).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { builtinResourceTypes } from '../../api/registry/builtin.js';
import { Registry } from '../../api/registry/registry.js';
import { serviceAccountAdmission } from '../../apiserver/admission/service-account.js';
import { ServiceAccountTokens } from '../../apiserver/authn/service-account-tokens.js';
import { RbacAuthorizer } from '../../apiserver/authz/rbac.js';
import { bootstrap } from '../../apiserver/bootstrap/bootstrap.js';
import { makeServerContext } from '../../apiserver/context.js';
import { ApiHandler } from '../../apiserver/handler.js';
import { withStrategies } from '../../apiserver/strategies.js';
import { ClientSet } from '../../client/clientset.js';
import { inProcessTransport } from '../../client/in-process.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { apiVolumeDeps } from './client-deps.js';

test('getters and a pod-bound service account token', async () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const tokens = new ServiceAccountTokens(key);
  const ctx = makeServerContext({
    store: new MemoryStore(),
    registry: new Registry(withStrategies(builtinResourceTypes())),
    now: () => new Date(),
    admission: [serviceAccountAdmission],
    authorizer: new RbacAuthorizer(),
    tokens,
    serverAddress: '127.0.0.1:6443',
  });
  const handler = new ApiHandler(ctx);
  const transport = inProcessTransport(handler);
  await bootstrap(transport, { kubernetesServiceIp: '10.43.0.1', advertiseAddress: '127.0.0.1', port: 6443 });
  const clients = new ClientSet(transport, 'kubelet');
  const deps = apiVolumeDeps(clients);

  assert.equal(await deps.getConfigMap('default', 'nope'), undefined);
  assert.equal(await deps.getSecret('default', 'nope'), undefined);
  assert.equal(await deps.getPersistentVolume!('nope'), undefined);
  await clients.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: 'b' } });
  assert.deepEqual((await deps.getConfigMap('default', 'cfg'))?.data, { a: 'b' });

  await clients.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  const pod = await clients.resource('pods').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
  const before = Math.floor(Date.now() / 1000);
  const res = await deps.requestToken('default', 'default', { audiences: [], expirationSeconds: 3607, boundPod: { name: 'p', uid: pod.metadata!.uid! } });
  const claims = JSON.parse(Buffer.from(res.token.split('.')[1], 'base64url').toString()) as Record<string, unknown> & { exp: number; 'kubernetes.io': { pod: { name: string; uid: string }; namespace: string; serviceaccount: { name: string }; node: { name: string } } };
  assert.deepEqual(claims['kubernetes.io'].pod, { name: 'p', uid: pod.metadata!.uid });
  assert.equal(claims['kubernetes.io'].namespace, 'default');
  assert.equal(claims['kubernetes.io'].serviceaccount.name, 'default');
  assert.equal(claims['kubernetes.io'].node.name, 'n1');
  assert.equal(claims.sub, 'system:serviceaccount:default:default');
  assert.ok(claims.exp >= before + 3607 && claims.exp <= before + 3607 + 5);
  assert.equal(Date.parse(res.expirationTimestamp) / 1000, claims.exp);
  const verdict = await tokens.verify(res.token, ctx);
  assert.ok('user' in verdict);
  // A token for another pod's uid is refused, as upstream refuses a stale bound object.
  await assert.rejects(deps.requestToken('default', 'default', { audiences: [], expirationSeconds: 3607, boundPod: { name: 'p', uid: 'other' } }), /does not match/);
});
