// Field selectors with k8s.io/apimachinery/pkg/fields semantics: `a=b`, `a==b`, `a!=b` terms joined
// by commas, with `\`, `,` and `=` escaped by a backslash inside values.

import { errors } from '../errors.js';

export interface FieldTerm {
  field: string;
  /** `==` parses to `=`: upstream stores both as a hasTerm. */
  op: '=' | '!=';
  value: string;
}

/** An AND of terms; no terms selects everything. */
export interface FieldSelector {
  terms: FieldTerm[];
}

/** fields.EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue; error texts are upstream's (a rune prints as its code point). */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

// Split on commas that are not escaped.
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: (typeof termOperators)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

// Go sorts the raw terms bytewise; compare code points so non-ASCII sorts the same way.
function byteOrder(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ab, bb);
}

/** fields.ParseSelector. Throws a 400 BadRequest StatusError with upstream's message. */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort(byteOrder);
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    terms.push({ field: t.lhs, op: t.op === '!=' ? '!=' : '=', value: unescapeValue(t.rhs) });
  }
  return { terms };
}

/** A missing field reads as "", as fields.Set.Get does. */
export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  return sel.terms.every((t) => {
    const v = Object.prototype.hasOwnProperty.call(fields, t.field) ? fields[t.field] : '';
    return t.op === '=' ? v === t.value : v !== t.value;
  });
}

/** Selector.String(), e.g. for echoing back in messages. */
export function fieldSelectorString(sel: FieldSelector): string {
  return sel.terms.map((t) => `${t.field}${t.op}${escapeFieldValue(t.value)}`).join(',');
}

/** RequiresExactMatch: the value a selector pins a field to (e.g. metadata.name for single-object watches). */
export function fieldExactMatch(sel: FieldSelector, field: string): string | undefined {
  const t = sel.terms.find((x) => x.field === field && x.op === '=');
  return t?.value;
}
