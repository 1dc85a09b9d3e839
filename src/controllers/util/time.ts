// Controllers write times as metav1.Time does: RFC 3339 with whole seconds.

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
