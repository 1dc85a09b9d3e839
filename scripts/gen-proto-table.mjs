// Generates src/apiserver/protobuf/messages.ts: the protobuf field table for the built-in kinds,
// from upstream's generated.proto (field numbers, wire kinds) joined with types.go (json names,
// omitempty, pointer, inline). Only field facts are emitted; upstream comments never are.
//
// Usage: node scripts/gen-proto-table.mjs [--api <git dir>] [--machinery <git dir>] [--tag v0.32.4]
// The git dirs default to the local mirrors made by the `fetch` tool.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
function arg(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}
const API_DIR = arg('--api', '/work/.mirror/kubernetes+api/repo');
const MACHINERY_DIR = arg('--machinery', '/work/.mirror/kubernetes+apimachinery/repo');
const TAG = arg('--tag', 'v0.32.4');
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'apiserver', 'protobuf', 'messages.ts');

// proto package dir, short prefix used in the table, API group (null: no top-level kinds).
const PACKAGES = [
  { repo: API_DIR, dir: 'core/v1', short: 'core.v1', group: '' },
  { repo: API_DIR, dir: 'apps/v1', short: 'apps.v1', group: 'apps' },
  { repo: API_DIR, dir: 'batch/v1', short: 'batch.v1', group: 'batch' },
  { repo: API_DIR, dir: 'autoscaling/v1', short: 'autoscaling.v1', group: 'autoscaling' },
  { repo: API_DIR, dir: 'policy/v1', short: 'policy.v1', group: 'policy' },
  { repo: API_DIR, dir: 'rbac/v1', short: 'rbac.v1', group: 'rbac.authorization.k8s.io' },
  { repo: API_DIR, dir: 'authorization/v1', short: 'authorization.v1', group: 'authorization.k8s.io' },
  { repo: API_DIR, dir: 'authentication/v1', short: 'authentication.v1', group: 'authentication.k8s.io' },
  { repo: API_DIR, dir: 'networking/v1', short: 'networking.v1', group: 'networking.k8s.io' },
  { repo: API_DIR, dir: 'storage/v1', short: 'storage.v1', group: 'storage.k8s.io' },
  { repo: API_DIR, dir: 'coordination/v1', short: 'coordination.v1', group: 'coordination.k8s.io' },
  { repo: API_DIR, dir: 'discovery/v1', short: 'discovery.v1', group: 'discovery.k8s.io' },
  { repo: API_DIR, dir: 'events/v1', short: 'events.v1', group: 'events.k8s.io' },
  { repo: API_DIR, dir: 'scheduling/v1', short: 'scheduling.v1', group: 'scheduling.k8s.io' },
  { repo: API_DIR, dir: 'node/v1', short: 'node.v1', group: 'node.k8s.io' },
  { repo: MACHINERY_DIR, dir: 'pkg/apis/meta/v1', short: 'meta.v1', group: null },
  { repo: MACHINERY_DIR, dir: 'pkg/api/resource', short: 'resource', group: null },
  { repo: MACHINERY_DIR, dir: 'pkg/util/intstr', short: 'intstr', group: null },
  { repo: MACHINERY_DIR, dir: 'pkg/runtime', short: 'runtime', group: null },
];

// Messages whose JSON form is not an object; the decoder treats them by this tag.
const SPECIAL = {
  'meta.v1.Time': 'time',
  'meta.v1.MicroTime': 'microtime',
  'meta.v1.Duration': 'duration',
  'meta.v1.FieldsV1': 'rawjson',
  'runtime.RawExtension': 'rawjson',
  'resource.Quantity': 'quantity',
  'intstr.IntOrString': 'intorstring',
};

// Kinds served through metav1 in every group version.
const EXTRA_KINDS = { DeleteOptions: 'meta.v1.DeleteOptions' };

function git(repo, ...a) {
  return execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** proto text → { packageName, messages: Map<name, [{num, name, label, type, key}]> } */
function parseProto(text) {
  const src = stripComments(text);
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(src)[1];
  const messages = new Map();
  const msgRe = /\bmessage\s+(\w+)\s*\{([^{}]*)\}/g;
  for (let m; (m = msgRe.exec(src)); ) {
    const fields = [];
    for (const line of m[2].split(';')) {
      const s = line.trim();
      if (!s) continue;
      let f = /^map<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)$/.exec(s);
      if (f) {
        fields.push({ num: Number(f[4]), name: f[3], label: 'map', key: f[1], type: f[2] });
        continue;
      }
      f = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)(\s*\[[^\]]*\])?$/.exec(s);
      if (!f) throw new Error(`unparsed proto line in ${m[1]}: ${s}`);
      fields.push({ num: Number(f[4]), name: f[3], label: f[1] === 'repeated' ? 'repeated' : 'single', type: f[2] });
    }
    messages.set(m[1], fields);
  }
  return { pkg, messages };
}

/** Go sources → Map<structName, Map<protoNum, {json, omitempty, pointer, inline, goType}>>, plus slice-wrapper names. */
function parseGo(text, structs, sliceTypes) {
  const lines = text.split('\n');
  let current = null;
  let depth = 0;
  for (const raw of lines) {
    const line = raw.replace(/\/\/.*$/, '');
    if (!current) {
      const st = /^type\s+(\w+)\s+struct\s*\{\s*$/.exec(line);
      if (st) {
        current = new Map();
        structs.set(st[1], current);
        depth = 1;
        continue;
      }
      const sl = /^type\s+(\w+)\s+\[\](\w+)\s*$/.exec(line);
      if (sl) sliceTypes.add(sl[1]);
      continue;
    }
    if (/\{\s*$/.test(line)) depth++;
    if (/^\s*\}/.test(line)) {
      depth--;
      if (depth === 0) current = null;
      continue;
    }
    if (depth !== 1) continue;
    const tagMatch = /`([^`]*)`/.exec(line);
    if (!tagMatch) continue;
    const tags = tagMatch[1];
    const pb = /protobuf:"[a-z0-9]+,(\d+),/.exec(tags);
    if (!pb) continue;
    const decl = line.slice(0, tagMatch.index).trim().split(/\s+/);
    const goType = decl.length >= 2 ? decl[1] : decl[0];
    const js = /json:"([^"]*)"/.exec(tags);
    const jsonParts = js ? js[1].split(',') : [''];
    current.set(Number(pb[1]), {
      json: jsonParts[0],
      omitempty: jsonParts.includes('omitempty'),
      inline: jsonParts.includes('inline'),
      pointer: goType.startsWith('*'),
      goType,
    });
  }
}

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes', 'double', 'float', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64']);

// Load everything.
const all = new Map(); // short name -> { fields, goFields, special }
const topKinds = {};
const pkgShort = new Map(); // proto package -> short prefix
const loaded = [];
for (const p of PACKAGES) {
  const proto = parseProto(git(p.repo, 'show', `${TAG}:${p.dir}/generated.proto`));
  pkgShort.set(proto.pkg, p.short);
  const structs = new Map();
  const sliceTypes = new Set();
  const files = git(p.repo, 'ls-tree', '--name-only', TAG, `${p.dir}/`).split('\n')
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !/generated|zz_|fuzz/.test(f));
  for (const f of files) parseGo(git(p.repo, 'show', `${TAG}:${f}`), structs, sliceTypes);
  loaded.push({ p, proto, structs, sliceTypes });
}

function resolveType(type, short) {
  if (SCALARS.has(type)) return type;
  if (type.startsWith('.')) {
    const full = type.slice(1);
    const dot = full.lastIndexOf('.');
    const pk = pkgShort.get(full.slice(0, dot));
    if (!pk) throw new Error(`unknown proto package in ${type}`);
    return `${pk}.${full.slice(dot + 1)}`;
  }
  return `${short}.${type}`;
}

const warnings = [];
for (const { p, proto, structs, sliceTypes } of loaded) {
  for (const [name, fields] of proto.messages) {
    const full = `${p.short}.${name}`;
    const go = structs.get(name);
    const defs = [];
    for (const f of fields) {
      const g = go?.get(f.num);
      if (!go || !g) {
        if (!SPECIAL[full] && !sliceTypes.has(name)) warnings.push(`${full}.${f.name} (${f.num}): no Go field; using proto name`);
      }
      const kind = f.label === 'map'
        ? `map<${f.key},${resolveType(f.type, p.short)}>`
        : resolveType(f.type, p.short);
      const d = { num: f.num, json: g && g.json && g.json !== '-' ? g.json : f.name, kind };
      if (f.label === 'repeated') d.repeated = true;
      if (g?.omitempty) d.omitempty = true;
      if (g?.pointer) d.pointer = true;
      if (g?.inline) d.inline = true;
      defs.push(d);
    }
    let special = SPECIAL[full];
    if (!special && sliceTypes.has(name)) special = 'items';
    all.set(full, { defs, special });
    // A top-level kind: ObjectMeta as field 1, not a list, not an embedded template.
    const objectLike = fields.some((f) => f.num === 1 && f.name === 'metadata' && f.type.endsWith('meta.v1.ObjectMeta'));
    const embedded = name.endsWith('List') || name.endsWith('TemplateSpec') || name === 'PersistentVolumeClaimTemplate';
    if (p.group !== null && objectLike && !embedded) {
      topKinds[`${p.group ? p.group + '/' : ''}v1/${name}`] = full;
    }
  }
}
// Top-level kinds living under a group whose message has no metadata-first layout.
for (const k of ['autoscaling/v1/Scale', 'policy/v1/Eviction', 'v1/Binding']) {
  const msg = k.startsWith('v1/') ? `core.v1.${k.slice(3)}` : `${k.split('/')[0]}.v1.${k.split('/').pop()}`;
  if (!all.has(msg)) throw new Error(`missing ${msg}`);
  topKinds[k] = msg;
}

// Keep only what top-level kinds (and extra kinds, and the Unknown envelope) reach.
const keep = new Set();
function visit(name) {
  if (keep.has(name)) return;
  const m = all.get(name);
  if (!m) throw new Error(`unresolved message ${name}`);
  keep.add(name);
  for (const d of m.defs) {
    const t = d.kind.startsWith('map<') ? d.kind.slice(d.kind.indexOf(',') + 1, -1) : d.kind;
    if (!SCALARS.has(t)) visit(t);
  }
}
for (const m of Object.values(topKinds)) visit(m);
for (const m of Object.values(EXTRA_KINDS)) visit(m);
visit('runtime.Unknown');

function lit(s) {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
const out = [];
out.push('// Protobuf field table for the built-in kinds (generated by scripts/gen-proto-table.mjs from');
out.push(`// k8s.io/api and k8s.io/apimachinery ${TAG}: generated.proto joined with types.go json tags). Do not edit.`);
out.push('');
out.push("export type SpecialKind = 'time' | 'microtime' | 'duration' | 'rawjson' | 'quantity' | 'intorstring' | 'items';");
out.push('');
out.push('/** One field: `kind` is a scalar (string, int32, int64, bool, bytes, double), a message name, or `map<k,v>`. */');
out.push('export interface FieldDef {');
out.push('  readonly n: number;');
out.push('  readonly json: string;');
out.push('  readonly kind: string;');
out.push('  readonly repeated?: true;');
out.push('  /** Go json tag has omitempty. */');
out.push('  readonly omitempty?: true;');
out.push('  /** Go field is a pointer: present on the wire means set, even when zero. */');
out.push('  readonly pointer?: true;');
out.push('  /** Go embeds the struct with `json:",inline"`: its fields sit in the parent object. */');
out.push('  readonly inline?: true;');
out.push('}');
out.push('');
out.push('export interface MessageDef {');
out.push('  /** In Go struct order, which is the order Go writes JSON keys in. */');
out.push('  readonly fields: readonly FieldDef[];');
out.push('  readonly special?: SpecialKind;');
out.push('}');
out.push('');
out.push('export const MESSAGES: Readonly<Record<string, MessageDef>> = {');
for (const name of [...keep].sort()) {
  const m = all.get(name);
  out.push(`  ${lit(name)}: {${m.special ? ` special: ${lit(m.special)},` : ''} fields: [`);
  for (const d of m.defs) {
    let s = `    { n: ${d.num}, json: ${lit(d.json)}, kind: ${lit(d.kind)}`;
    if (d.repeated) s += ', repeated: true';
    if (d.omitempty) s += ', omitempty: true';
    if (d.pointer) s += ', pointer: true';
    if (d.inline) s += ', inline: true';
    out.push(s + ' },');
  }
  out.push('  ] },');
}
out.push('};');
out.push('');
out.push('/** `apiVersion/kind` (core: `v1/Kind`) → message name, for kinds sent as top-level request bodies. */');
out.push('export const TOP_LEVEL_KINDS: Readonly<Record<string, string>> = {');
for (const k of Object.keys(topKinds).sort()) out.push(`  ${lit(k)}: ${lit(topKinds[k])},`);
out.push('};');
out.push('');
out.push('/** Kinds accepted under any apiVersion (metav1 types registered in every group version). */');
out.push('export const ANY_VERSION_KINDS: Readonly<Record<string, string>> = {');
for (const k of Object.keys(EXTRA_KINDS)) out.push(`  ${lit(k)}: ${lit(EXTRA_KINDS[k])},`);
out.push('};');
out.push('');
writeFileSync(OUT, out.join('\n'));
const relevant = warnings.filter((w) => keep.has(w.split(' ')[0].split('.').slice(0, -1).join('.')));
for (const w of relevant) console.error('warning:', w);
console.error(`wrote ${OUT}: ${keep.size} messages, ${Object.keys(topKinds).length} top-level kinds`);
