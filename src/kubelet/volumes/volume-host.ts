// The kubelet's volume manager contract (VolumeHost in ../types.ts) over this folder's functions.
// The runtime gives every container the pod's /etc/hosts, resolv.conf and hostname, and the
// kubelet mounts the termination-log file itself, so only the volumes' own mounts come from here.

import type { VolumeHost } from '../types.js';
import { containerMounts, setUpVolumes, tearDownVolumes } from './index.js';
import type { VolumeDeps, VolumeMount } from './types.js';

export function volumeHost(deps: VolumeDeps): VolumeHost {
  return {
    setUpVolumes: (pod) => setUpVolumes(pod, deps),
    containerMounts: async (pod, container, volumes, env) => containerMounts(pod, container as never, volumes as Map<string, VolumeMount>, { env }),
    tearDownVolumes: (podUid) => tearDownVolumes(podUid, deps),
  };
}
