// intstr.GetScaledValueFromIntOrPercent for maxUnavailable / maxSurge.

export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
    const x = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return 0;
}
