import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { defaulters, admitPodServiceAccount, admitDefaultTolerations, admitPodPriority, admitJobSelector, admitNamespace, patchAllocatedServiceValues, imageTag } from './index.js';

const apply = (o: KubeObject): KubeObject => {
  const c = structuredClone(o);
  defaulters[`${c.apiVersion}/${c.kind}`](c);
  return c;
};

describe('pod defaults (kubectl run nginx-2 --image nginx)', () => {
  const runPod: KubeObject = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'nginx-2', creationTimestamp: null, labels: { run: 'nginx-2' } }, spec: { containers: [{ name: 'nginx-2', image: 'nginx', resources: {} }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' }, status: {} };

  test('SetDefaults and admission give the upstream spec', () => {
    const p = apply(runPod);
    admitPodServiceAccount(p, { suffix: 'abcde' });
    admitDefaultTolerations(p);
    assert.equal(admitPodPriority(p), undefined);
    assert.deepEqual(p.spec, {
      containers: [{
        name: 'nginx-2', image: 'nginx', resources: {}, imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
        volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-abcde', readOnly: true }],
      }],
      restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', enableServiceLinks: true, securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler',
      serviceAccountName: 'default', serviceAccount: 'default',
      volumes: [{
        name: 'kube-api-access-abcde',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
          ],
        },
      }],
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0, preemptionPolicy: 'PreemptLowerPriority',
    });
  });

  const pullPolicies: Array<[string, string]> = [['nginx', 'Always'], ['nginx:latest', 'Always'], ['nginx:1.25', 'IfNotPresent'], ['localhost:5000/app', 'Always'], ['localhost:5000/app:v1', 'IfNotPresent'], ['nginx@sha256:abc', 'IfNotPresent']];
  for (const [image, want] of pullPolicies) {
    test(`imagePullPolicy for ${image}`, () => {
      const p = apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image }] } }) as { spec: { containers: Array<{ imagePullPolicy: string }> } };
      assert.equal(p.spec.containers[0].imagePullPolicy, want);
    });
  }

  test('image tag parsing', () => assert.equal(imageTag('registry:5000/ns/img:tag'), 'tag'));

  test('probe, port, env and volume defaults', () => {
    const p = apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: {
      containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 80 }], env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], livenessProbe: { httpGet: { port: 80 } }, resources: { limits: { cpu: '1' } } }],
      volumes: [{ name: 'a' }, { name: 'b', secret: { secretName: 's' } }, { name: 'c', configMap: { name: 'm' } }],
    } }) as { spec: { containers: Array<Record<string, unknown>>; volumes: unknown[] } };
    const c = p.spec.containers[0];
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(c.env, [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }]);
    assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.resources, { limits: { cpu: '1' }, requests: { cpu: '1' } });
    assert.deepEqual(p.spec.volumes, [{ name: 'a', emptyDir: {} }, { name: 'b', secret: { secretName: 's', defaultMode: 420 } }, { name: 'c', configMap: { name: 'm', defaultMode: 420 } }]);
  });
});

describe('workload and other defaults', () => {
  const cases: Array<[string, KubeObject, (o: KubeObject) => unknown, unknown]> = [
    ['deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } },
      (o) => { const s = o.spec as Record<string, unknown>; return [s.replicas, s.strategy, s.revisionHistoryLimit, s.progressDeadlineSeconds, (s.template as { metadata: unknown }).metadata]; },
      [1, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, 10, 600, { creationTimestamp: null }]],
    ['statefulset', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { serviceName: 'svc', template: {} } },
      (o) => { const s = o.spec as Record<string, unknown>; return [s.replicas, s.podManagementPolicy, s.updateStrategy, s.revisionHistoryLimit, s.persistentVolumeClaimRetentionPolicy, s.serviceName]; },
      [1, 'OrderedReady', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, 10, { whenDeleted: 'Retain', whenScaled: 'Retain' }, 'svc']],
    ['daemonset', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template: {} } },
      (o) => { const s = o.spec as Record<string, unknown>; return [s.updateStrategy, s.revisionHistoryLimit]; },
      [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, 10]],
    ['job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never' } } } },
      (o) => { const s = o.spec as Record<string, unknown>; return [s.completions, s.parallelism, s.backoffLimit, s.completionMode, s.suspend, s.podReplacementPolicy, s.manualSelector]; },
      [1, 1, 6, 'NonIndexed', false, 'TerminatingOrFailed', undefined]],
    ['cronjob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: {} } } } },
      (o) => { const s = o.spec as Record<string, unknown>; return [s.concurrencyPolicy, s.suspend, s.successfulJobsHistoryLimit, s.failedJobsHistoryLimit, (s.jobTemplate as Record<string, unknown>).spec !== undefined]; },
      ['Allow', false, 3, 1, true]],
    ['service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } },
      (o) => o.spec, { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] }],
    ['secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, (o) => o.type, 'Opaque'],
    ['pvc', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: {} }, (o) => [o.spec, o.status], [{ volumeMode: 'Filesystem' }, { phase: 'Pending' }]],
    ['storageclass', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 's' }, provisioner: 'x' }, (o) => [o.reclaimPolicy, o.volumeBindingMode], ['Delete', 'Immediate']],
    ['rolebinding subjects', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'r' }, roleRef: { kind: 'Role', name: 'x' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'n' }] },
      (o) => [o.roleRef, o.subjects], [{ kind: 'Role', name: 'x', apiGroup: 'rbac.authorization.k8s.io' }, [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'n' }]]],
    ['networkpolicy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { egress: [{ ports: [{ port: 53 }] }] } },
      (o) => o.spec, { egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'], podSelector: {} }],
    ['endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ ports: [{ port: 80 }] }] }, (o) => o.subsets, [{ ports: [{ port: 80, protocol: 'TCP' }] }]],
  ];
  for (const [name, obj, pick, want] of cases) test(name, () => assert.deepEqual(pick(apply(obj)), want));

  test('job selector generation', () => {
    const j = apply({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: { template: { spec: { restartPolicy: 'Never' } } } });
    admitJobSelector(j, 'uid-1');
    const labels = { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'job-name': 'pi' };
    const spec = j.spec as { selector: unknown; template: { metadata: { labels: unknown } } };
    assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
    assert.deepEqual(spec.template.metadata.labels, labels);
    assert.deepEqual(j.metadata?.labels, labels);
  });

  test('namespace admission', () => {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } };
    admitNamespace(ns);
    assert.deepEqual(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } }, status: { phase: 'Active' }, spec: { finalizers: ['kubernetes'] } });
  });

  test('service update keeps allocated values', () => {
    const old: KubeObject = { apiVersion: 'v1', kind: 'Service', spec: { type: 'NodePort', clusterIP: '10.0.0.9', clusterIPs: ['10.0.0.9'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] } };
    const n: KubeObject = { apiVersion: 'v1', kind: 'Service', spec: { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] } };
    patchAllocatedServiceValues(n, old);
    assert.deepEqual(n.spec, { type: 'NodePort', clusterIP: '10.0.0.9', clusterIPs: ['10.0.0.9'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] });
  });

  test('priority admission rejects unknown classes', () => {
    const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', spec: { priorityClassName: 'gold' } };
    assert.equal(admitPodPriority(p), 'no PriorityClass with name gold was found');
    const q: KubeObject = { apiVersion: 'v1', kind: 'Pod', spec: { priorityClassName: 'system-node-critical' } };
    assert.equal(admitPodPriority(q), undefined);
    assert.equal((q.spec as { priority: number }).priority, 2000001000);
  });
});
