// Section 2 of the workshop ("The CLI"), driven by the real kubectl against bin/k8ts, plus the
// other kubectl commands a user runs without a running pod. Outputs are upstream's.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Cluster } from './harness.js';
import { TWO_CONTAINER_POD } from './workshop-pod.js';

const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

describe('workshop section 2: the CLI', () => {
  const c = new Cluster();
  before(() => c.start());
  after(() => c.cleanup());

  test('version reports a v1.32 server', async () => {
    const out = await c.ok(['version']);
    assert.match(out, /Server Version: v1\.32\.\d+/);
  });

  test('get ns lists the four system namespaces, all Active', async () => {
    const r = rows(await c.ok(['get', 'ns']));
    assert.deepEqual(r[0], ['NAME', 'STATUS', 'AGE']);
    assert.deepEqual(r.slice(1).map((x) => [x[0], x[1]]), [['default', 'Active'], ['kube-node-lease', 'Active'], ['kube-public', 'Active'], ['kube-system', 'Active']]);
  });

  test('an empty namespace says so on stderr', async () => {
    const r = await c.kubectl(['get', 'pods']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /No resources found in default namespace\./);
  });

  test('create -f - from stdin, then po/pod/pods print the same table', async () => {
    assert.equal((await c.ok(['create', '-f', '-'], TWO_CONTAINER_POD)).trim(), 'pod/nginx created');
    const outs = await Promise.all(['po', 'pod', 'pods'].map((n) => c.ok(['get', n])));
    const header = rows(outs[0])[0];
    assert.deepEqual(header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const row = rows(outs[0])[1];
    assert.deepEqual(row.slice(0, 4), ['nginx', '0/2', 'Pending', '0']);
    for (const o of outs) assert.deepEqual(rows(o).map((x) => x.slice(0, 4)), rows(outs[0]).map((x) => x.slice(0, 4)));
  });

  test('creating an existing name fails with AlreadyExists', async () => {
    const r = await c.kubectl(['create', '-f', '-'], { stdin: TWO_CONTAINER_POD });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": pods "nginx" already exists/);
  });

  test('get -o wide, name, json, yaml, jsonpath, custom-columns, go-template', async () => {
    const wide = rows(await c.ok(['get', 'po', 'nginx', '-o', 'wide']));
    assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    assert.deepEqual(wide[1].slice(5), ['<none>', '<none>', '<none>', '<none>']);
    assert.equal((await c.ok(['get', 'po', '-o', 'name'])).trim(), 'pod/nginx');
    const json = JSON.parse(await c.ok(['get', 'po', 'nginx', '-o', 'json'])) as { spec: { restartPolicy: string; dnsPolicy: string; serviceAccountName: string; containers: { imagePullPolicy: string }[] }; metadata: { uid: string; resourceVersion: string } };
    assert.equal(json.spec.restartPolicy, 'Always');
    assert.equal(json.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(json.spec.serviceAccountName, 'default');
    assert.deepEqual(json.spec.containers.map((x) => x.imagePullPolicy), ['IfNotPresent', 'Always']);
    assert.match(json.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(await c.ok(['get', 'po', 'nginx', '-o', 'yaml']), /^apiVersion: v1\nkind: Pod\nmetadata:\n/);
    assert.equal(await c.ok(['get', 'po', 'nginx', '-o', 'jsonpath={.spec.containers[*].name}']), 'main sidecar');
    const cc = rows(await c.ok(['get', 'po', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image']));
    assert.deepEqual(cc, [['NAME', 'IMAGE'], ['nginx', 'nginx:alpine']]);
    assert.equal(await c.ok(['get', 'po', 'nginx', '-o', 'go-template={{.metadata.name}}:{{len .spec.containers}}']), 'nginx:2');
  });

  test('--all-namespaces, -n and label and field selectors', async () => {
    const all = rows(await c.ok(['get', 'po', '--all-namespaces']));
    assert.deepEqual(all[0].slice(0, 2), ['NAMESPACE', 'NAME']);
    assert.deepEqual(all[1].slice(0, 2), ['default', 'nginx']);
    const r = await c.kubectl(['get', 'po', '--namespace=kube-system']);
    assert.match(r.stderr, /No resources found in kube-system namespace\./);
    assert.equal((await c.ok(['get', 'po', '-l', 'app=nginx', '-o', 'name'])).trim(), 'pod/nginx');
    assert.equal((await c.ok(['get', 'po', '-l', 'app!=nginx', '-o', 'name'])).trim(), '');
    assert.equal((await c.ok(['get', 'po', '--field-selector', 'status.phase=Pending', '-o', 'name'])).trim(), 'pod/nginx');
    assert.equal((await c.ok(['get', 'po', '--field-selector', 'metadata.name=other', '-o', 'name'])).trim(), '');
    const bad = await c.kubectl(['get', 'po', '--field-selector', 'spec.nope=x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error from server \(BadRequest\): .*field label not supported: spec\.nope/);
  });

  test('get ns kube-system -o yaml', async () => {
    const out = await c.ok(['get', 'ns', 'kube-system', '--output=yaml']);
    assert.match(out, /kind: Namespace/);
    assert.match(out, /kubernetes.io\/metadata.name: kube-system/);
    assert.match(out, /phase: Active/);
  });

  test('run, then set image', async () => {
    assert.equal((await c.ok(['run', 'nginx-2', '--image', 'nginx'])).trim(), 'pod/nginx-2 created');
    assert.equal((await c.ok(['set', 'image', 'pod/nginx-2', 'nginx-2=nginx:latest'])).trim(), 'pod/nginx-2 image updated');
    assert.equal(await c.ok(['get', 'po', 'nginx-2', '-o', 'jsonpath={.spec.containers[0].image}']), 'nginx:latest');
  });

  test('apply creates, configures, leaves unchanged', async () => {
    const m = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx-apply\n  labels:\n    app: web\nspec:\n  containers:\n  - name: nginx\n    image: ${image}\n`;
    assert.equal((await c.ok(['apply', '-f', '-'], m('nginx:1.26'))).trim(), 'pod/nginx-apply created');
    assert.equal((await c.ok(['apply', '-f', '-'], m('nginx:1.26'))).trim(), 'pod/nginx-apply unchanged');
    assert.equal((await c.ok(['apply', '-f', '-'], m('nginx:1.27'))).trim(), 'pod/nginx-apply configured');
    assert.equal(await c.ok(['get', 'po', 'nginx-apply', '-o', 'jsonpath={.spec.containers[0].image}']), 'nginx:1.27');
  });

  test('apply --server-side, with a conflict and --force-conflicts', async () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  key: ${v}\n`;
    assert.equal((await c.ok(['apply', '--server-side', '-f', '-'], cm('one'))).trim(), 'configmap/ssa serverside-applied');
    await c.ok(['patch', 'configmap', 'ssa', '--type=merge', '-p', '{"data":{"key":"two"}}']);
    const conflict = await c.kubectl(['apply', '--server-side', '-f', '-'], { stdin: cm('three') });
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl-patch"/);
    assert.equal((await c.ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], cm('three'))).trim(), 'configmap/ssa serverside-applied');
    const mf = JSON.parse(await c.ok(['get', 'cm', 'ssa', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: { manager: string; operation: string }[] } };
    assert.ok(mf.metadata.managedFields.some((e) => e.manager === 'kubectl' && e.operation === 'Apply'));
  });

  test('diff shows the change and exits 1; no change exits 0', async () => {
    const m = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  key: four\n';
    const r = await c.kubectl(['diff', '-f', '-'], { stdin: m });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /-  key: three\n\+  key: four/);
    const same = await c.kubectl(['diff', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  key: three\n' });
    assert.equal(same.code, 0, same.stderr + same.stdout);
  });

  test('label, annotate, and patch of every type', async () => {
    assert.equal((await c.ok(['label', 'pod', 'nginx', 'tier=front'])).trim(), 'pod/nginx labeled');
    assert.equal((await c.ok(['annotate', 'pod', 'nginx', 'note=hello'])).trim(), 'pod/nginx annotated');
    assert.equal((await c.ok(['label', 'pod', 'nginx', 'tier-'])).trim(), 'pod/nginx unlabeled');
    await c.ok(['patch', 'pod', 'nginx', '-p', '{"metadata":{"labels":{"smp":"yes"}}}']);
    await c.ok(['patch', 'pod', 'nginx', '--type=merge', '-p', '{"metadata":{"labels":{"merge":"yes"}}}']);
    await c.ok(['patch', 'pod', 'nginx', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/json","value":"yes"}]']);
    const labels = JSON.parse(await c.ok(['get', 'pod', 'nginx', '-o', 'jsonpath={.metadata.labels}'])) as Record<string, string>;
    assert.deepEqual(labels, { app: 'nginx', smp: 'yes', merge: 'yes', json: 'yes' });
    const bad = await c.kubectl(['patch', 'pod', 'nginx', '--type=json', '-p', '[{"op":"remove","path":"/metadata/labels/nope"}]']);
    assert.equal(bad.code, 1);
    // upstream hides the JSON patch failure behind this fixed text
    assert.equal(bad.stderr.trim(), 'The request is invalid: the server rejected our request due to an error in our request');
  });

  test('replace, scale, describe, delete --wait', async () => {
    const d = JSON.parse(await c.ok(['get', 'po', 'nginx-2', '-o', 'json'])) as { metadata: { labels: Record<string, string> } };
    d.metadata.labels.replaced = 'true';
    assert.equal((await c.ok(['replace', '-f', '-'], JSON.stringify(d))).trim(), 'pod/nginx-2 replaced');
    assert.equal((await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])).trim(), 'deployment.apps/web created');
    assert.equal((await c.ok(['scale', 'deployment', 'web', '--replicas=5'])).trim(), 'deployment.apps/web scaled');
    assert.equal(await c.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
    assert.equal((await c.ok(['scale', 'deployment', 'web', '--current-replicas=5', '--replicas=1'])).trim(), 'deployment.apps/web scaled');
    const desc = await c.ok(['describe', 'pod', 'nginx']);
    assert.match(desc, /^Name:\s+nginx$/m);
    assert.match(desc, /^Namespace:\s+default$/m);
    assert.match(desc, /^Status:\s+Pending$/m);
    assert.match(desc, /^QoS Class:\s+BestEffort$/m);
    assert.match(await c.ok(['describe', 'deployment', 'web']), /^Replicas:\s+1 desired/m);
    assert.equal((await c.ok(['delete', 'pod', 'nginx-2', '--wait'])).trim(), 'pod "nginx-2" deleted');
    const gone = await c.kubectl(['get', 'pod', 'nginx-2']);
    assert.match(gone.stderr, /Error from server \(NotFound\): pods "nginx-2" not found/);
  });

  test('typed create commands send protobuf and work', async () => {
    assert.equal((await c.ok(['create', 'namespace', 'team-a'])).trim(), 'namespace/team-a created');
    assert.equal((await c.ok(['create', 'configmap', 'cfg', '--from-literal=a=1', '-n', 'team-a'])).trim(), 'configmap/cfg created');
    assert.equal((await c.ok(['create', 'secret', 'generic', 'sec', '--from-literal=password=s3cret', '-n', 'team-a'])).trim(), 'secret/sec created');
    assert.equal(Buffer.from(await c.ok(['get', 'secret', 'sec', '-n', 'team-a', '-o', 'jsonpath={.data.password}']), 'base64').toString(), 's3cret');
    assert.equal((await c.ok(['create', 'job', 'once', '--image=busybox', '-n', 'team-a', '--', 'echo', 'hi'])).trim(), 'job.batch/once created');
    assert.equal((await c.ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '-n', 'team-a'])).trim(), 'service/np created');
    const svc = rows(await c.ok(['get', 'svc', 'np', '-n', 'team-a']));
    assert.deepEqual(svc[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.equal(svc[1][1], 'NodePort');
    assert.match(svc[1][2], /^10\.43\.\d+\.\d+$/);
    assert.match(svc[1][4], /^80:3\d{4}\/TCP$/);
    assert.equal((await c.ok(['create', 'deployment', 'api', '--image=nginx', '-n', 'team-a'])).trim(), 'deployment.apps/api created');
    assert.equal((await c.ok(['create', 'serviceaccount', 'bot', '-n', 'team-a'])).trim(), 'serviceaccount/bot created');
    const token = (await c.ok(['create', 'token', 'bot', '-n', 'team-a'])).trim();
    assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('a missing namespace is NotFound', async () => {
    const r = await c.kubectl(['create', 'configmap', 'x', '-n', 'nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /namespaces "nope" not found/);
  });

  test('auth can-i and whoami', async () => {
    assert.equal((await c.ok(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
    assert.equal((await c.ok(['auth', 'can-i', 'get', '/healthz'])).trim(), 'yes');
    const who = rows(await c.ok(['auth', 'whoami']));
    assert.deepEqual(who[0], ['ATTRIBUTE', 'VALUE']);
    assert.deepEqual(who[1], ['Username', 'system:admin']);
    assert.match(who.map((r) => r.join(' ')).join('\n'), /Groups \[system:masters system:authenticated\]/);
  });

  test('api-resources prints upstream names, short names and kinds', async () => {
    const r = rows(await c.ok(['api-resources']));
    assert.deepEqual(r[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    const find = (name: string) => r.find((x) => x[0] === name);
    assert.deepEqual(find('pods'), ['pods', 'po', 'v1', 'true', 'Pod']);
    assert.deepEqual(find('deployments'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    assert.deepEqual(find('namespaces'), ['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    assert.deepEqual(find('cronjobs'), ['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob']);
    assert.deepEqual(find('clusterroles'), ['clusterroles', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole']);
  });

  test('explain reads the OpenAPI schema', async () => {
    const out = await c.ok(['explain', 'pod.spec.containers.image']);
    assert.match(out, /KIND:\s+Pod/);
    assert.match(out, /FIELD:\s+image <string>/);
    const deploy = await c.ok(['explain', 'deployment.spec']);
    assert.match(deploy, /GROUP:\s+apps/);
    assert.match(deploy, /replicas\s+<integer>/);
  });

  test('get services --all-namespaces --watch prints rows as they change', async () => {
    const child = spawn('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', c.cacheDir, 'get', 'services', '--all-namespaces', '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const waitFor = async (re: RegExp) => {
        const deadline = Date.now() + 15_000;
        while (!re.test(out)) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} in:\n${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await waitFor(/default\s+kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP/);
      await c.ok(['create', 'service', 'clusterip', 'watched', '--tcp=80:80']);
      await waitFor(/default\s+watched\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP/);
      assert.equal(out.match(/kubernetes\s+ClusterIP/g)?.length, 1, 'the existing row is printed once');
      assert.equal(out.match(/NAMESPACE/g)?.length, 1, 'one header');
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('delete of a namespace-scoped object in a terminating namespace is Forbidden on create', async () => {
    await c.ok(['create', 'namespace', 'doomed']);
    await c.ok(['delete', 'namespace', 'doomed', '--wait=false']);
    assert.match(await c.ok(['get', 'ns', 'doomed']), /doomed\s+Terminating/);
    const r = await c.kubectl(['create', 'configmap', 'late', '-n', 'doomed']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
    const viaFile = await c.kubectl(['create', '-n', 'doomed', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n' });
    assert.match(viaFile.stderr, /Error from server \(Forbidden\): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated/);
  });
});
