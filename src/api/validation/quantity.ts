// resource.Quantity: parsing (with upstream's error strings), exact comparison and the canonical
// String() form that upstream echoes in messages and on the wire.

export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantitySuffixError = "unable to parse quantity's suffix";

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = num × 10^scale, exact. */
export interface Quantity {
  num: bigint;
  scale: number;
  format: QuantityFormat;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

export type QuantityResult = { ok: true; quantity: Quantity } | { ok: false; error: string };

export function parseQuantity(input: string | number): QuantityResult {
  const str = typeof input === 'number' ? String(input) : input;
  if (str.length === 0) return { ok: false, error: quantityFormatError };
  const m = /^([+-]?)([0-9]*\.?[0-9]*)(.*)$/.exec(str);
  if (!m || m[2] === '' || m[2] === '.') return { ok: false, error: quantityFormatError };
  const negative = m[1] === '-';
  const digits = m[2];
  const suffix = m[3];
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) return { ok: false, error: quantityFormatError };
  let format: QuantityFormat;
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in decimalSuffixes) {
    format = 'DecimalSI';
    exp10 = decimalSuffixes[suffix];
  } else if (suffix in binarySuffixes) {
    format = 'BinarySI';
    exp2 = binarySuffixes[suffix];
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    exp10 = Number.parseInt(suffix.slice(1), 10);
  } else {
    return { ok: false, error: quantitySuffixError };
  }
  const [intPart, fracPart = ''] = digits.split('.');
  let num = BigInt((intPart || '0') + fracPart);
  let scale = exp10 - fracPart.length;
  if (exp2) num *= 1n << BigInt(exp2);
  if (negative) num = -num;
  // Upstream keeps at most nano precision, rounding away from zero.
  if (scale < -9) {
    const div = 10n ** BigInt(-9 - scale);
    const q = num / div;
    num = num % div === 0n ? q : num > 0n ? q + 1n : q - 1n;
    scale = -9;
  }
  return { ok: true, quantity: normalize({ num, scale, format }) };
}

function normalize(q: Quantity): Quantity {
  let { num, scale } = q;
  if (num === 0n) return { num: 0n, scale: 0, format: q.format };
  while (num % 10n === 0n) {
    num /= 10n;
    scale += 1;
  }
  return { num, scale, format: q.format };
}

/** -1, 0, 1 like Quantity.Cmp. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const s = Math.min(a.scale, b.scale);
  const an = a.num * 10n ** BigInt(a.scale - s);
  const bn = b.num * 10n ** BigInt(b.scale - s);
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** MilliValue() rounded up, for integer checks. */
export function milliValue(q: Quantity): bigint {
  const s = q.scale + 3;
  if (s >= 0) return q.num * 10n ** BigInt(s);
  const div = 10n ** BigInt(-s);
  const r = q.num / div;
  return q.num % div === 0n ? r : q.num > 0n ? r + 1n : r;
}

const decimalSuffixByExp: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const binarySuffixByExp: Record<number, string> = { 0: '', 10: 'Ki', 20: 'Mi', 30: 'Gi', 40: 'Ti', 50: 'Pi', 60: 'Ei' };

/** Quantity.String(): canonical form. */
export function formatQuantity(q: Quantity): string {
  if (q.num === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = compareQuantity(q, { num: -1024n, scale: 0, format }) > 0 && compareQuantity(q, { num: 1024n, scale: 0, format }) < 0;
    if (small || q.scale < 0) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let n = q.num * 10n ** BigInt(q.scale);
    let exp = 0;
    while (exp < 60 && n % 1024n === 0n) {
      n /= 1024n;
      exp += 10;
    }
    return `${n}${binarySuffixByExp[exp]}`;
  }
  let n = q.num;
  let exp = q.scale;
  const mod = ((exp % 3) + 3) % 3;
  if (mod === 1) {
    n *= 10n;
    exp -= 1;
  } else if (mod === 2) {
    n *= 100n;
    exp -= 2;
  }
  if (format === 'DecimalExponent') return exp === 0 ? `${n}` : `${n}e${exp}`;
  const suffix = decimalSuffixByExp[exp];
  return suffix === undefined ? `${n}e${exp}` : `${n}${suffix}`;
}

/** Canonicalises a JSON quantity value; undefined when it does not parse. */
export function canonicalQuantity(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const r = parseQuantity(v);
  return r.ok ? formatQuantity(r.quantity) : undefined;
}

/** Quantity.Add: exact; the result keeps the first operand's format, as upstream's does. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  const s = Math.min(a.scale, b.scale);
  const num = a.num * 10n ** BigInt(a.scale - s) + b.num * 10n ** BigInt(b.scale - s);
  return normalize({ num, scale: s, format: a.format });
}

/** Value(): the integer value rounded up, away from zero. */
export function integerValue(q: Quantity): bigint {
  if (q.scale >= 0) return q.num * 10n ** BigInt(q.scale);
  const div = 10n ** BigInt(-q.scale);
  const r = q.num / div;
  return q.num % div === 0n ? r : q.num > 0n ? r + 1n : r - 1n;
}
