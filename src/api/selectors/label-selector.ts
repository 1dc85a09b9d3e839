// Label selectors with k8s.io/apimachinery/pkg/labels semantics: the string grammar kubectl sends
// in ?labelSelector=, the metav1.LabelSelector form objects carry, matching, and the canonical
// String() form printers show. Parse errors reproduce upstream's messages.

import { errors } from '../errors.js';
import { isPlainObject } from '../object.js';
import { goQuote } from './go-quote.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

/** selection.Operator values, spelled as upstream spells them (they appear in error messages). */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/**
 * A parsed selector. `nothing` is upstream's labels.Nothing() (a nil metav1.LabelSelector): it
 * matches no object. An empty requirement list is Everything().
 */
export interface LabelSelector {
  requirements: LabelRequirement[];
  nothing?: boolean;
}

const binaryOperators: LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const validOperators: LabelOperator[] = [...binaryOperators, 'exists', '!'];

export const everything = (): LabelSelector => ({ requirements: [] });
export const nothing = (): LabelSelector => ({ requirements: [], nothing: true });

// ---- field.Error rendering, as labels.NewRequirement's aggregate prints it ----

function invalid(path: string, value: string | string[], detail: string): string {
  const shown = typeof value === 'string' ? goQuote(value) : `[]string{${value.map(goQuote).join(', ')}}`;
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

function aggregate(msgs: string[]): string | undefined {
  const seen: string[] = [];
  for (const m of msgs) if (!seen.includes(m)) seen.push(m);
  if (seen.length === 0) return undefined;
  return seen.length === 1 ? seen[0] : `[${seen.join(', ')}]`;
}

function validateLabelKey(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : undefined;
}

/** labels.NewRequirement: returns the requirement or upstream's aggregated error text. */
export function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: string[] = [];
  const keyErr = validateLabelKey(key, 'key');
  if (keyErr) errs.push(keyErr);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(`operator: Unsupported value: ${goQuote(String(operator))}: supported values: ${validOperators.map(goQuote).join(', ')}`);
  }
  values.forEach((v, i) => {
    const verrs = isValidLabelValue(v);
    if (verrs.length) errs.push(invalid(`values[${i}][${key}]`, v, verrs.join('; ')));
  });
  const msg = aggregate(errs);
  if (msg !== undefined) throw errors.badRequest(msg);
  return { key, operator, values };
}

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64.
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return n;
}

// ---- lexer (labels.Lexer) ----

type Tok =
  | 'error'
  | 'eos'
  | ')'
  | ','
  | '!'
  | '=='
  | '='
  | '>'
  | 'id'
  | 'in'
  | '<'
  | '!='
  | 'notin'
  | '(';

const literalTokens: Record<string, Tok> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

interface Item {
  tok: Tok;
  lit: string;
}

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    if (isSpecial(s[pos])) {
      // Longest run of special characters that still forms a known operator.
      let buf = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        buf += s[pos];
        const t = literalTokens[buf];
        if (t) {
          last = { tok: t, lit: buf };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) buf += s[pos++];
      const t = literalTokens[buf];
      items.push({ tok: t ?? 'id', lit: buf });
    }
  }
}

// ---- parser (labels.Parser) ----

class ParseError extends Error {}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  // In a "values" context the keywords in/notin are plain identifiers (e.g. `x in (in)`).
  private asValue(it: Item): Item {
    return it.tok === 'in' || it.tok === 'notin' ? { tok: 'id', lit: it.lit } : it;
  }
  lookahead(values: boolean): Item {
    const it = this.items[this.pos];
    return values ? this.asValue(it) : it;
  }
  consume(values: boolean): Item {
    const it = this.items[this.pos++];
    return values ? this.asValue(it) : it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === 'id' || tok === '!') {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          throw new ParseError(`unable to parse requirement: ${(e as Error).message}`);
        }
        reqs.push(r);
        const t = this.consume(true);
        if (t.tok === 'eos') return reqs;
        if (t.tok === ',') {
          const t2 = this.lookahead(true);
          if (t2.tok !== 'id' && t2.tok !== '!') throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
        } else {
          throw new ParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === 'eos') {
        return reqs;
      } else {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, op } = this.parseKeyAndInferOperator();
    if (op === 'exists' || op === '!') return this.requirement(key, op, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.requirement(key, operator, [...values].sort());
  }

  private requirement(key: string, op: LabelOperator, values: string[]): LabelRequirement {
    try {
      return newRequirement(key, op, values);
    } catch (e) {
      throw new Error((e as Error).message);
    }
  }

  private parseKeyAndInferOperator(): { key: string; op: LabelOperator | undefined } {
    let op: LabelOperator | undefined;
    let it = this.consume(true);
    if (it.tok === '!') {
      op = '!';
      it = this.consume(true);
    }
    if (it.tok !== 'id') throw new Error(`found '${it.lit}', expected: identifier`);
    // The parser validates the key with no field path, which Go prints as "<nil>".
    const keyErr = validateLabelKey(it.lit, '<nil>');
    if (keyErr) throw new Error(keyErr);
    const next = this.lookahead(true).tok;
    if ((next === 'eos' || next === ',') && op !== '!') op = 'exists';
    return { key: it.lit, op };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case 'in': return 'in';
      case '=': return '=';
      case '==': return '==';
      case '>': return 'gt';
      case '<': return 'lt';
      case 'notin': return 'notin';
      case '!=': return '!=';
      default:
        throw new Error(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === 'id' || tok === ',') {
      const s = this.parseIdentifiersList();
      if (this.consume(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === ')') {
      this.consume(true);
      return new Set(['']);
    }
    throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === 'id') {
        s.add(lit);
        const next = this.lookahead(true);
        if (next.tok === ',') continue;
        if (next.tok === ')') return s;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === ',') {
        // "(," ",)" and ",," all denote the empty value.
        if (s.size === 0) s.add('');
        const next = this.lookahead(true).tok;
        if (next === ')') {
          s.add('');
          return s;
        }
        if (next === ',') {
          this.consume(true);
          s.add('');
        }
      } else {
        throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(true).tok;
    if (next === 'eos' || next === ',') return new Set(['']);
    const { tok, lit } = this.consume(true);
    if (tok === 'id') return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

function sortByKey(reqs: LabelRequirement[]): LabelRequirement[] {
  // Upstream sorts by key for a deterministic String(); a stable sort keeps ties in input order.
  return reqs.map((r, i) => [r, i] as const).sort((a, b) => (a[0].key < b[0].key ? -1 : a[0].key > b[0].key ? 1 : a[1] - b[1])).map(([r]) => r);
}

/** labels.Parse. Throws a 400 BadRequest StatusError with upstream's message. */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return { requirements: sortByKey(new Parser(lex(s)).parse()) };
  } catch (e) {
    if (e instanceof ParseError) throw errors.badRequest(e.message);
    throw e;
  }
}

// ---- matching ----

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(labels[r.key]);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(labels[r.key]);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(labels[r.key]);
      const rv = parseInt64(r.values[0]);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.nothing) return false;
  const ls = labels ?? {};
  return sel.requirements.every((r) => requirementMatches(r, ls));
}

// ---- metav1.LabelSelector ----

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, `{}` selects everything.
 * Throws a BadRequest StatusError for invalid keys, values or operators.
 */
export function labelSelectorFromMeta(sel: unknown): LabelSelector {
  if (sel === null || sel === undefined) return nothing();
  if (!isPlainObject(sel)) throw errors.badRequest('invalid label selector: not an object');
  const matchLabels = isPlainObject(sel.matchLabels) ? sel.matchLabels : {};
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return everything();
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(newRequirement(k, '=', [String(v ?? '')]));
  for (const e of exprs) {
    const expr = isPlainObject(e) ? e : {};
    const key = typeof expr.key === 'string' ? expr.key : '';
    const values = Array.isArray(expr.values) ? expr.values.map((v) => String(v)) : [];
    let op: LabelOperator;
    switch (expr.operator) {
      case 'In': op = 'in'; break;
      case 'NotIn': op = 'notin'; break;
      case 'Exists': op = 'exists'; break;
      case 'DoesNotExist': op = '!'; break;
      default:
        throw errors.badRequest(`${goQuote(String(expr.operator ?? ''))} is not a valid label selector operator`);
    }
    reqs.push(newRequirement(key, op, values));
  }
  return { requirements: sortByKey(reqs) };
}

function sortedCopy(v: string[]): string[] {
  return [...v].sort();
}

/** labels.Requirement.String(). */
export function requirementString(r: LabelRequirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case '=': s += '='; break;
    case '==': s += '=='; break;
    case '!=': s += '!='; break;
    case 'in': s += ' in '; break;
    case 'notin': s += ' notin '; break;
    case 'gt': s += '>'; break;
    case 'lt': s += '<'; break;
  }
  const vals = r.values.length === 1 ? r.values[0] : sortedCopy(r.values).join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

/** Selector.String(): empty for both Everything and Nothing. */
export function labelSelectorString(sel: LabelSelector): string {
  return sel.requirements.map(requirementString).join(',');
}

/** metav1.FormatLabelSelector: `<none>` when empty or nil, `<error>` when invalid. */
export function formatLabelSelector(sel: unknown): string {
  let s: string;
  try {
    s = labelSelectorString(labelSelectorFromMeta(sel));
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels: `k=v` pairs sorted, `<none>` for an empty map. */
export function formatLabels(labels: unknown): string {
  if (!isPlainObject(labels)) return '<none>';
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${String(v ?? '')}`);
  parts.sort();
  return parts.length ? parts.join(',') : '<none>';
}
