// Simulated nodes: Nodes, Leases and a kubelet's pod status updates, with no containers.

export { simulatedNodes, SimulatedNodes, ANNOTATION_RUN_MS, ANNOTATION_EXIT_CODE, type SimulatedNodesOptions } from './simulated-nodes.js';
export { podStatus } from './pod-status.js';
