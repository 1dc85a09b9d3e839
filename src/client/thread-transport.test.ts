import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { StatusError } from '../api/errors.js';
import { testServer } from '../apiserver/testing.js';
import type { UserInfo } from '../apiserver/types.js';
import { MemoryStore } from '../storage/memory/memory-store.js';
import type { ApiHandler } from '../apiserver/handler.js';
import { MAX_REQUESTS_IN_FLIGHT, serveThreadTransport, ThreadClient } from './thread-transport.js';
import type { WatchEventOf } from './transport.js';

const ADMIN: UserInfo = { username: 'system:kube-scheduler', groups: ['system:masters', 'system:authenticated'] };
const VIEWER: UserInfo = { username: 'viewer', groups: ['system:authenticated'] };

async function setUp() {
  const server = await testServer(new MemoryStore());
  const { port1, port2 } = new MessageChannel();
  const seenUsers: string[] = [];
  const endWatches = serveThreadTransport(port1, server.handler, (identity) => {
    seenUsers.push(identity);
    return identity === 'admin' ? ADMIN : identity === 'viewer' ? VIEWER : undefined;
  });
  const client = new ThreadClient(port2);
  return {
    client,
    seenUsers,
    endWatches,
    close() {
      endWatches();
      port1.close();
      port2.close();
    },
  };
}

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: name } });

test('requests cross the port as the identity the main thread maps them to', async () => {
  const env = await setUp();
  try {
    const admin = env.client.transport('admin');
    // Many requests of one turn travel together and each gets its own answer.
    const created = await Promise.all(['a', 'b', 'c'].map((n) => admin.request<{ metadata: { name: string } }>('POST', '/api/v1/namespaces/default/configmaps', cm(n))));
    assert.deepEqual(created.map((o) => o.metadata.name), ['a', 'b', 'c']);
    const got = await admin.request<{ data: { k: string } }>('GET', '/api/v1/namespaces/default/configmaps/b');
    assert.equal(got.data.k, 'b');
    // A patch body given as a string is sent as is.
    await admin.request('PATCH', '/api/v1/namespaces/default/configmaps/b', '{"data":{"k":"patched"}}', 'application/merge-patch+json');
    assert.equal((await admin.request<{ data: { k: string } }>('GET', '/api/v1/namespaces/default/configmaps/b')).data.k, 'patched');
    assert.ok(env.seenUsers.every((u) => u === 'admin'));
  } finally {
    env.close();
  }
});

test('errors arrive as the API server sent them: 404, 403 for a weaker identity, 401 for an unknown one', async () => {
  const env = await setUp();
  try {
    const cases: [string, string, number, string][] = [
      ['admin', '/api/v1/namespaces/default/configmaps/missing', 404, 'NotFound'],
      ['viewer', '/api/v1/namespaces/default/secrets', 403, 'Forbidden'],
      ['stranger', '/api/v1/namespaces/default/configmaps', 401, 'Unauthorized'],
    ];
    for (const [identity, path, code, reason] of cases) {
      await assert.rejects(env.client.transport(identity).request('GET', path), (e: unknown) => e instanceof StatusError && e.code === code && e.reason === reason, `${identity} GET ${path}`);
    }
  } finally {
    env.close();
  }
});

test('a watch streams events until its signal aborts, and then stops on the main thread too', async () => {
  const env = await setUp();
  try {
    const admin = env.client.transport('admin');
    const list = await admin.request<{ metadata: { resourceVersion: string } }>('GET', '/api/v1/namespaces/default/configmaps');
    const events: WatchEventOf[] = [];
    const stop = new AbortController();
    const done = admin.watch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`, (ev) => events.push(ev), stop.signal);
    await admin.request('POST', '/api/v1/namespaces/default/configmaps', cm('w1'));
    await admin.request('DELETE', '/api/v1/namespaces/default/configmaps/w1');
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`), ['ADDED w1', 'DELETED w1']);
    stop.abort();
    await done;
    // After the abort nothing more is delivered.
    await admin.request('POST', '/api/v1/namespaces/default/configmaps', cm('w2'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(events.length, 2);
  } finally {
    env.close();
  }
});

test('a watch the API server refuses rejects with its status', async () => {
  const env = await setUp();
  try {
    await assert.rejects(
      env.client.transport('viewer').watch('/api/v1/namespaces/default/secrets?watch=true', () => assert.fail('no event expected'), new AbortController().signal),
      (e: unknown) => e instanceof StatusError && e.code === 403,
    );
  } finally {
    env.close();
  }
});

test('at most MAX_REQUESTS_IN_FLIGHT requests are worked on at once; the rest wait and all are answered in order', async () => {
  let active = 0;
  let most = 0;
  const order: string[] = [];
  // A handler that only measures overlap: the transport's queueing is what is under test.
  const handler = {
    async handle(req: { url: URL }) {
      active++;
      most = Math.max(most, active);
      order.push(req.url.pathname);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      return { status: 200, headers: {}, body: JSON.stringify({ path: req.url.pathname }) };
    },
  } as unknown as ApiHandler;
  const { port1, port2 } = new MessageChannel();
  serveThreadTransport(port1, handler, () => ADMIN);
  const t = new ThreadClient(port2).transport('admin');
  try {
    const n = MAX_REQUESTS_IN_FLIGHT * 3;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => t.request<{ path: string }>('GET', `/r/${i}`)));
    assert.deepEqual(answers.map((a) => a.path), Array.from({ length: n }, (_, i) => `/r/${i}`));
    assert.equal(most, MAX_REQUESTS_IN_FLIGHT);
    assert.deepEqual(order, Array.from({ length: n }, (_, i) => `/r/${i}`));
  } finally {
    port1.close();
    port2.close();
  }
});
