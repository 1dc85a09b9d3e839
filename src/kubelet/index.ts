// The node agent's public surface: the Kubelet, the volume contract it needs, and the pure
// status functions other components (and tests) may reuse.

export { Kubelet, defaultNodeIP, podChanged, type KubeletOptions } from './kubelet.js';
export type { VolumeHost, MountedVolume, Pod, PodStatus, ApiContainerStatus, Container, RuntimePodStatus, RuntimeContainer } from './types.js';
export { generatePodStatus, getPhase, stampStatus } from './pod-status.js';
export { computePodActions } from './kuberuntime/pod-actions.js';
export { normalizeImage, pullPolicyOf } from './kuberuntime/image-ref.js';
export { FakeRuntime, FakeImages } from './fake-runtime.js';
