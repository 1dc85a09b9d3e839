// Conformance rows 25, 27, 47, 48 (discovery), 83 (metadata HTTP return), 93 (server version):
// the same requests upstream's apimachinery e2e tests make, asserted the same way.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../testing.js';
import { client } from './helpers.js';

type GroupVersion = { groupVersion: string; version: string };
type ApiGroup = { name: string; versions: GroupVersion[]; preferredVersion: GroupVersion };
type ResourceList = { kind: string; groupVersion: string; resources: { name: string; kind: string; verbs: string[]; namespaced: boolean }[] };
type AggregatedList = { kind: string; apiVersion: string; items: { metadata: { name: string }; versions: { version: string; resources: { resource: string }[] }[] }[] };

const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
// What client-go v1.32's discovery client sends (aggregated v2, then v2beta1, then legacy).
const CLIENT_GO_ACCEPT = `${AGGREGATED_V2},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`;

// Upstream's table of one resource per group-version, restricted to the groups k8ts serves.
const SERVED_GVR: [group: string, version: string, resource: string][] = [
  ['', 'v1', 'namespaces'],
  ['apps', 'v1', 'deployments'],
  ['authentication.k8s.io', 'v1', 'tokenreviews'],
  ['authorization.k8s.io', 'v1', 'selfsubjectaccessreviews'],
  ['batch', 'v1', 'jobs'],
  ['coordination.k8s.io', 'v1', 'leases'],
  ['discovery.k8s.io', 'v1', 'endpointslices'],
  ['events.k8s.io', 'v1', 'events'],
  ['networking.k8s.io', 'v1', 'ingresses'],
  ['node.k8s.io', 'v1', 'runtimeclasses'],
  ['policy', 'v1', 'poddisruptionbudgets'],
  ['scheduling.k8s.io', 'v1', 'priorityclasses'],
];
// Rows of upstream's table whose groups k8ts does not serve (out of scope, listed so the gap shows).
const UNSERVED_GVR: [string, string, string][] = [
  ['admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations'],
  ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions'],
  ['apiregistration.k8s.io', 'v1', 'apiservices'],
  ['autoscaling', 'v1', 'horizontalpodautoscalers'],
  ['autoscaling', 'v2', 'horizontalpodautoscalers'],
  ['certificates.k8s.io', 'v1', 'certificatesigningrequests'],
  ['storage.k8s.io', 'v1', 'csinodes'],
];

const inAggregated = (doc: AggregatedList, [g, v, r]: [string, string, string]) =>
  doc.items.some((i) => i.metadata.name === g && i.versions.some((ver) => ver.version === v && ver.resources.some((res) => res.resource === r)));

describe('conformance: discovery', () => {
  let s: TestServer;
  let c: ReturnType<typeof client>;
  before(async () => {
    s = await testServer(new MemoryStore());
    c = client(s);
  });

  test('[47] the groupVersion and a resource can be found within each APIGroup', async () => {
    for (const [g, v, r] of SERVED_GVR) {
      const list = await c.get<ResourceList>(g ? `/apis/${g}/${v}` : `/api/${v}`);
      assert.equal(list.groupVersion, g ? `${g}/${v}` : v);
      assert.ok(list.resources.some((res) => res.name === r), `${r} in ${list.groupVersion}`);
    }
    // Every group the server lists, not only upstream's table, must hold at least one valid resource.
    const groups = await c.get<{ groups: ApiGroup[] }>('/apis');
    for (const g of groups.groups) {
      for (const v of g.versions) {
        const list = await c.get<ResourceList>(`/apis/${v.groupVersion}`);
        assert.equal(list.groupVersion, v.groupVersion);
        assert.ok(list.resources.some((res) => res.name && res.kind && res.verbs.length > 0), `a valid resource in ${v.groupVersion}`);
      }
    }
  });

  test('[47] upstream\'s full table (groups k8ts does not serve)', { todo: 'resources out of k8ts scope: admissionregistration, apiextensions, apiregistration, autoscaling, certificates, storage csinodes' }, async () => {
    for (const [g, v, r] of UNSERVED_GVR) {
      const list = await c.get<ResourceList>(`/apis/${g}/${v}`);
      assert.ok(list.resources.some((res) => res.name === r));
    }
  });

  test('[48] every API group carries a valid preferredVersion', async () => {
    const groups = await c.get<{ kind: string; groups: ApiGroup[] }>('/apis');
    assert.equal(groups.kind, 'APIGroupList');
    assert.ok(groups.groups.length > 0);
    for (const g of groups.groups) {
      const one = await c.get<ApiGroup & { kind: string }>(`/apis/${g.name}`);
      assert.equal(one.kind, 'APIGroup');
      assert.ok(one.versions.length > 0, `versions of ${g.name}`);
      assert.ok(one.versions.some((v) => v.groupVersion === one.preferredVersion.groupVersion), `preferredVersion of ${g.name} is one of its versions`);
      assert.deepEqual(g.preferredVersion, one.preferredVersion);
    }
  });

  test('[27] raw /apis and /api with the aggregated Accept header list the built-ins', async () => {
    const apis = await s.request('GET', '/apis', undefined, { accept: AGGREGATED_V2 });
    assert.equal(apis.status, 200);
    assert.match(String(apis.headers['content-type']), /as=APIGroupDiscoveryList/);
    const doc = apis.json() as AggregatedList;
    assert.equal(doc.kind, 'APIGroupDiscoveryList');
    assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
    for (const gvr of SERVED_GVR.filter(([g]) => g !== '')) assert.ok(inAggregated(doc, gvr), gvr.join('/'));
    const legacy = (await s.request('GET', '/api', undefined, { accept: AGGREGATED_V2 })).json() as AggregatedList;
    assert.ok(inAggregated(legacy, ['', 'v1', 'namespaces']));
  });

  test('[25] the aggregated discovery client (client-go Accept list) gets every built-in resource and group', async () => {
    for (const path of ['/api', '/apis']) {
      const r = await s.request('GET', path, undefined, { accept: CLIENT_GO_ACCEPT });
      assert.equal(r.status, 200);
      // client-go decides how to parse by the response content type: it must be the v2 document.
      assert.match(String(r.headers['content-type']), /^application\/json;g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/);
    }
    const legacy = (await s.request('GET', '/api', undefined, { accept: CLIENT_GO_ACCEPT })).json() as AggregatedList;
    const apis = (await s.request('GET', '/apis', undefined, { accept: CLIENT_GO_ACCEPT })).json() as AggregatedList;
    const all: AggregatedList = { ...apis, items: [...legacy.items, ...apis.items] };
    for (const gvr of SERVED_GVR) assert.ok(inAggregated(all, gvr), gvr.join('/'));
    // Every served resource appears in the aggregated document with the same resources as the legacy list.
    const groups = await c.get<{ groups: ApiGroup[] }>('/apis');
    for (const gv of [{ groupVersion: 'v1' }, ...groups.groups.flatMap((g) => g.versions)]) {
      const legacyList = await c.get<ResourceList>(gv.groupVersion === 'v1' ? '/api/v1' : `/apis/${gv.groupVersion}`);
      const [g, v] = gv.groupVersion.includes('/') ? gv.groupVersion.split('/') : ['', gv.groupVersion];
      for (const res of legacyList.resources.filter((x) => !x.name.includes('/'))) assert.ok(inAggregated(all, [g, v, res.name]), `${gv.groupVersion} ${res.name}`);
    }
  });

  test('[83] a Table requested from a backend without metadata support is 406 Not Acceptable', async () => {
    const sar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'list', resource: 'pods' } } };
    const r = await s.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', sar, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.equal(r.status, 406);
    const st = r.json() as { kind: string; code: number; reason: string };
    assert.equal(st.kind, 'Status');
    assert.equal(st.code, 406);
    assert.equal(st.reason, 'NotAcceptable');
  });

  test('[93] /version answers with integer major and minor', async () => {
    const v = await c.get<{ major: string; minor: string; gitVersion: string }>('/version');
    assert.ok(Number.isInteger(Number(v.major)) && v.major !== '', `major ${v.major}`);
    assert.ok(Number.isInteger(Number(v.minor)) && v.minor !== '', `minor ${v.minor}`);
    assert.match(v.gitVersion, /^v\d+\.\d+\.\d+/);
  });
});
