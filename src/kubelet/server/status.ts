// The metav1.Status an exec/attach session ends with (v4+ error channel), shaped exactly like
// upstream's remotecommand server writes it: kubectl reads the exit code from details.causes.

export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/** Go's %v of a []string: "[sh -c exit 3]". */
export function goStringSlice(items: string[]): string {
  return `[${items.join(' ')}]`;
}

export function exitCodeStatus(cmd: string[], code: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command ${goStringSlice(cmd)}, exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** A runtime failure, as apierrors.NewInternalError renders it. */
export function internalErrorStatus(message: string): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}
