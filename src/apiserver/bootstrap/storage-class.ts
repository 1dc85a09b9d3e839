// The default StorageClass a fresh cluster has, as k3s ships it: `local-path`, served by the
// built-in local-path provisioner (src/controllers/localpath). bootstrap() creates it when
// missing and never overwrites it, so an administrator's edits (e.g. the default annotation) stay.

export const DEFAULT_STORAGE_CLASS_NAME = 'local-path';

export const DEFAULT_STORAGE_CLASS = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name: DEFAULT_STORAGE_CLASS_NAME,
    annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
  },
  provisioner: 'rancher.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};
