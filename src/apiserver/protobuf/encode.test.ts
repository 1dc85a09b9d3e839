import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeProtobufObject } from './decode.js';
import { encodeProtobufObject } from './encode.js';

const fixtures = JSON.parse(readFileSync(new URL('./testdata/kubectl-bodies.json', import.meta.url), 'utf8')) as Array<{ command: string; body: string }>;

describe('encodeProtobufObject reproduces kubectl byte for byte', () => {
  for (const f of fixtures) {
    test(f.command, () => {
      const body = Buffer.from(f.body, 'base64');
      assert.deepEqual(Buffer.from(encodeProtobufObject(decodeProtobufObject(body).object)), body);
    });
  }
});

// Objects in the canonical form Go's JSON gives after a protobuf decode: non-pointer structs present
// (`resources: {}`, `status: {}`), zero omitempty scalars absent.
const podSpec = {
  volumes: [
    { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'a', path: 'a.txt', mode: 420 }], defaultMode: 420 } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    { name: 'sec', secret: { secretName: 's1', optional: false } },
  ],
  initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], resources: {} }],
  containers: [
    {
      name: 'web',
      image: 'nginx:1.25',
      args: ['-g', 'daemon off;'],
      ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: 'env' } }],
      env: [
        { name: 'A', value: '1' },
        { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      ],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
      volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 3, periodSeconds: 10 },
      readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 3 },
      lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
  ],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  serviceAccountName: 'web',
  automountServiceAccountToken: false,
  securityContext: { fsGroup: 2000 },
  imagePullSecrets: [{ name: 'regcred' }],
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, topologyKey: 'kubernetes.io/hostname' } },
      ],
    },
  },
  schedulerName: 'default-scheduler',
  tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  priority: 0,
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
};

const roundTrips: Array<[string, Record<string, unknown>]> = [
  ['Deployment with a full pod template', {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '3' }, generation: 4, creationTimestamp: '2024-05-01T10:00:00Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 4,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-05-01T10:00:05Z', lastTransitionTime: '2024-05-01T10:00:05Z', reason: 'MinimumReplicasAvailable', message: 'ok' }],
    },
  }],
  ['Secret with binary data', {
    kind: 'Secret', apiVersion: 'v1', metadata: { name: 'bin' }, immutable: true,
    data: { 'tls.key': Buffer.from([0, 1, 2, 254, 255]).toString('base64'), empty: '' }, type: 'kubernetes.io/tls',
  }],
  ['Service with IntOrString targetPorts', {
    kind: 'Service', apiVersion: 'v1', metadata: { name: 'svc', namespace: 'prod' },
    spec: {
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }, { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 9090, nodePort: 30090 }],
      selector: { app: 'web' }, clusterIP: '10.0.0.10', clusterIPs: ['10.0.0.10'], type: 'NodePort', sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  }],
  ['CronJob', {
    kind: 'CronJob', apiVersion: 'batch/v1', metadata: { name: 'tick' },
    spec: {
      schedule: '*/5 * * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { name: 'tick' }, spec: { backoffLimit: 2, template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox', command: ['date'], resources: {} }], restartPolicy: 'OnFailure' } } } },
    },
    status: { lastScheduleTime: '2024-05-01T10:05:00Z', active: [{ kind: 'Job', namespace: 'default', name: 'tick-1', uid: 'u1', apiVersion: 'batch/v1' }] },
  }],
  ['TokenRequest', {
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: 'sa1', namespace: 'default' },
    spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'abc' } },
    status: { token: 'eyJ...', expirationTimestamp: '2024-05-01T11:00:00Z' },
  }],
  ['SelfSubjectAccessReview', {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'list', group: 'apps', resource: 'deployments', subresource: 'scale', fieldSelector: { rawSelector: 'a=b' }, labelSelector: { requirements: [{ key: 'app', operator: 'In', values: ['x'] }] } } },
    status: { allowed: true, reason: 'RBAC' },
  }],
  ['SubjectAccessReview with extra', {
    kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {},
    spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'alice', groups: ['system:authenticated'], extra: { scopes: ['a', 'b'], none: [] }, uid: '42' },
    status: { allowed: false, denied: true, evaluationError: 'x' },
  }],
  ['SelfSubjectRulesReview', {
    kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: { namespace: 'default' },
    status: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api'] }], incomplete: false },
  }],
  ['Scale', { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default', resourceVersion: '12' }, spec: { replicas: 2 }, status: { replicas: 3, selector: 'app=web' } }],
  ['Eviction with DeleteOptions', {
    kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'p', namespace: 'default' },
    deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '7' }, propagationPolicy: 'Background', dryRun: ['All'] },
  }],
  ['Binding', { kind: 'Binding', apiVersion: 'v1', metadata: { name: 'p', namespace: 'default' }, target: { kind: 'Node', name: 'node-1' } }],
  ['Lease with MicroTime', {
    kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.123456Z', leaseTransitions: 0 },
  }],
  ['events.k8s.io Event', {
    kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: { name: 'e1', namespace: 'default' }, eventTime: '2024-05-01T10:00:00.000001Z',
    series: { count: 2, lastObservedTime: '2024-05-01T10:00:01.000000Z' }, reportingController: 'k8ts', reportingInstance: 'k8ts-1', action: 'Scheduled', reason: 'Scheduled',
    regarding: { kind: 'Pod', namespace: 'default', name: 'p' }, note: 'assigned', type: 'Normal', deprecatedSource: {},
  }],
  ['Pod with status', {
    kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true, blockOwnerDeletion: true }], finalizers: ['x'] },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: {} }], nodeName: 'node-1', hostNetwork: true },
    status: {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-05-01T10:00:00Z' }], hostIP: '10.0.0.1',
      podIP: '10.1.0.5', podIPs: [{ ip: '10.1.0.5' }], startTime: '2024-05-01T09:59:00Z',
      containerStatuses: [{ name: 'c', state: { running: { startedAt: '2024-05-01T10:00:00Z' } }, lastState: {}, ready: true, restartCount: 0, image: 'nginx', imageID: '', started: true }],
      qosClass: 'BestEffort',
    },
  }],
  ['Role and RoleBinding rules', {
    kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'r' },
    rules: [{ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], resourceNames: ['a'] }],
  }],
  ['NetworkPolicy', {
    kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'np' },
    spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ protocol: 'TCP', port: 5432 }, { port: 'metrics', endPort: 9100 }], from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }], policyTypes: ['Ingress'] },
  }],
  ['StorageClass and PriorityClass scalars', {
    kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', metadata: { name: 'fast' }, provisioner: 'x.io/csi', parameters: { type: 'ssd' },
    reclaimPolicy: 'Delete', allowVolumeExpansion: true, volumeBindingMode: 'WaitForFirstConsumer',
  }],
  ['DeleteOptions under a group version', { kind: 'DeleteOptions', apiVersion: 'apps/v1', propagationPolicy: 'Orphan', orphanDependents: false }],
];

describe('JSON → protobuf → JSON round trips', () => {
  for (const [name, obj] of roundTrips) {
    test(name, () => {
      const decoded = decodeProtobufObject(encodeProtobufObject(obj)).object;
      // Go writes a zero Time as null; we omit it. Nothing else may change.
      const expected = JSON.parse(JSON.stringify(obj, (k, v: unknown) => (v === null && k === 'lastProbeTime' ? undefined : v))) as unknown;
      assert.deepEqual(decoded, expected);
    });
  }
});

test('Scale to zero: spec.replicas is a non-pointer omitempty int32, so Go JSON (and we) drop it', () => {
  const obj = { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: { replicas: 0 } };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(obj)).object, { ...obj, spec: {}, status: { replicas: 0 } });
});
