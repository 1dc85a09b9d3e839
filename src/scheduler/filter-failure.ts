// A filter's verdict on a node and upstream's reason strings (one list, so the FailedScheduling
// histogram and the tests agree with upstream's text).

export type FailureCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface FilterFailure {
  plugin: string;
  code: FailureCode;
  reasons: string[];
}

export const REASONS = {
  unschedulable: 'node(s) were unschedulable',
  nodeName: "node(s) didn't match the requested node name",
  affinity: "node(s) didn't match Pod's node affinity/selector",
  ports: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  podAffinity: "node(s) didn't match pod affinity rules",
  antiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  spread: "node(s) didn't match pod topology spread constraints",
  spreadMissingLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  taint: (key: string, value: string | undefined) => `node(s) had untolerated taint {${key}: ${value ?? ''}}`,
  insufficient: (resource: string) => `Insufficient ${resource}`,
} as const;

export const fail = (plugin: string, code: FailureCode, ...reasons: string[]): FilterFailure => ({ plugin, code, reasons });
