// The default StorageClass a fresh cluster has, as k3s ships it: `local-path`, served by the
// built-in local-path provisioner (src/controllers/localpath). Created when missing, never
// overwritten, so an administrator's edits (e.g. removing the default annotation) stay.

import { StatusError } from '../../api/errors.js';
import type { Transport } from '../../client/in-process.js';

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

const COLLECTION = '/apis/storage.k8s.io/v1/storageclasses';

export async function ensureDefaultStorageClass(client: Transport): Promise<void> {
  try {
    await client.request('GET', `${COLLECTION}/${DEFAULT_STORAGE_CLASS_NAME}`);
    return;
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
  }
  try {
    await client.request('POST', COLLECTION, structuredClone(DEFAULT_STORAGE_CLASS));
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
  }
}
