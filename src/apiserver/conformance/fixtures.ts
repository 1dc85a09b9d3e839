// Minimal valid objects of each kind the conformance tests create, shaped like upstream's e2e
// fixtures (labels, one busybox-like container, suspended jobs).

const podSpec = (restartPolicy = 'Always') => ({ containers: [{ name: 'httpd', image: 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4' }], restartPolicy, terminationGracePeriodSeconds: 0 });

export const deployment = (name: string, labels: Record<string, string> = { app: name }) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec() } },
});

export const replicaSet = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, labels: { app: name } },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec() } },
});

export const daemonSet = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, labels: { app: name } },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec() } },
});

export const statefulSet = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, labels: { app: name } },
  spec: { replicas: 1, serviceName: 'test', selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec() } },
});

export const job = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, labels },
  spec: { suspend: true, parallelism: 1, completions: 1, backoffLimit: 6, template: { spec: podSpec('Never') } },
});

export const cronJob = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, labels },
  spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: podSpec('OnFailure') } } } },
});

export const pdb = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, labels },
  spec: { selector: { matchLabels: { foo: 'bar' } }, minAvailable: 2 },
});

export const service = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels },
  spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }] },
});

export const ingress = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, labels },
  spec: {
    defaultBackend: { service: { name: 'default-backend', port: { number: 8080 } } },
    rules: [{ host: 'foo.bar.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'test-backend', port: { number: 8080 } } } }] } }],
  },
});

export const podTemplate = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'PodTemplate',
  metadata: { name, labels },
  template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/e2e-test-images/nginx:1.14-4' }] } },
});

export const rc = (name: string, replicas = 1) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name },
  spec: { replicas, selector: { name }, template: { metadata: { labels: { name } }, spec: podSpec() } },
});
