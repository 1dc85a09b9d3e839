// Build step: turns the installed kubernetes-models type declarations (.d.ts: interfaces, JSDoc
// descriptions, optional fields, string-literal enums) into OpenAPI v2-style definitions written to
// dist/openapi-schemas.json. The structural facts of Kubernetes v1.32 (formats, required, patch
// strategies, list/map types, group-version-kinds) come from src/api/patch/type-meta and win over
// the declarations. The output is not committed: it carries upstream's descriptions.
//
// Usage: node scripts/gen-schemas.mjs [outPath]   (scripts/build.mjs imports it after transpiling)
import ts from 'typescript';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = path.join(ROOT, 'dist', 'openapi-schemas.json');
const REF = '#/definitions/';

function pkgDir(name) {
  for (const base of [path.join(ROOT, 'node_modules'), path.join(ROOT, 'node_modules', 'kubernetes-models', 'node_modules')]) {
    const p = path.join(base, name);
    if (existsSync(path.join(p, 'package.json'))) return p;
  }
  throw new Error(`gen-schemas: package ${name} is not installed`);
}

function walkDts(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      // _schemas holds compiled validators; node_modules are dependencies, not models.
      if (name !== '_schemas' && name !== 'node_modules') walkDts(p, out);
    } else if (name.endsWith('.d.ts') && name !== 'index.d.ts') out.push(p);
  }
  return out;
}

// Alias names encode the definition name: IIoK8sApiCoreV1Container -> io.k8s.api.core.v1.Container.
const VERSION = '(V\\d+(?:(?:alpha|beta)\\d+)?)';
const ALIAS_RULES = [
  [/^IoK8sApimachineryPkgApisMetaV1(.+)$/, (m) => `io.k8s.apimachinery.pkg.apis.meta.v1.${m[1]}`],
  [/^IoK8sApimachineryPkgApiResource(.+)$/, (m) => `io.k8s.apimachinery.pkg.api.resource.${m[1]}`],
  [/^IoK8sApimachineryPkgUtilIntstr(.+)$/, (m) => `io.k8s.apimachinery.pkg.util.intstr.${m[1]}`],
  [/^IoK8sApimachineryPkgRuntime(.+)$/, (m) => `io.k8s.apimachinery.pkg.runtime.${m[1]}`],
  [/^IoK8sApimachineryPkgVersion(.+)$/, (m) => `io.k8s.apimachinery.pkg.version.${m[1]}`],
  [new RegExp(`^IoK8sApiextensionsApiserverPkgApisApiextensions${VERSION}(.+)$`), (m) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${m[1].toLowerCase()}.${m[2]}`],
  [new RegExp(`^IoK8sKubeAggregatorPkgApisApiregistration${VERSION}(.+)$`), (m) => `io.k8s.kube-aggregator.pkg.apis.apiregistration.${m[1].toLowerCase()}.${m[2]}`],
  [new RegExp(`^IoK8sApi([A-Z][a-z]+)${VERSION}(.+)$`), (m) => `io.k8s.api.${m[1].toLowerCase()}.${m[2].toLowerCase()}.${m[3]}`],
];

export function aliasToDefName(alias) {
  const bare = alias.startsWith('IIoK8s') ? alias.slice(1) : alias;
  for (const [re, f] of ALIAS_RULES) {
    const m = re.exec(bare);
    if (m) return f(m);
  }
  return undefined;
}

/** The text of the last JSDoc block before a node, without comment markers and escapes. */
function jsDocOf(text, node) {
  const ranges = ts.getLeadingCommentRanges(text, node.pos) ?? [];
  for (let i = ranges.length - 1; i >= 0; i--) {
    const raw = text.slice(ranges[i].pos, ranges[i].end);
    if (!raw.startsWith('/**')) continue;
    const lines = raw
      .slice(3, -2)
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
    while (lines.length && lines[0] === '') lines.shift();
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    const kept = lines.filter((l) => !/^@deprecated\b/.test(l));
    const s = kept.join('\n').replace(/\\([\\*])/g, '$1').replace(/\*\\\//g, '*/').trim();
    return s || undefined;
  }
  return undefined;
}

function propName(n) {
  if (ts.isStringLiteral(n) || ts.isIdentifier(n) || ts.isNumericLiteral(n)) return n.text;
  return undefined;
}

/** Converts a declaration type to a schema; references resolve through the file's aliases. */
function convType(node, resolve) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: 'string' };
    case ts.SyntaxKind.NumberKeyword:
      return { type: 'integer' };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
    case ts.SyntaxKind.LiteralType:
      if (ts.isStringLiteral(node.literal)) return { type: 'string', enum: [node.literal.text] };
      return {};
    case ts.SyntaxKind.UnionType: {
      const lits = node.types.filter((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal));
      if (lits.length === node.types.length) return { type: 'string', enum: lits.map((t) => t.literal.text) };
      return {};
    }
    case ts.SyntaxKind.ArrayType:
      return { type: 'array', items: convType(node.elementType, resolve) };
    case ts.SyntaxKind.TypeReference: {
      const name = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
      if (name === 'Array' && node.typeArguments?.length === 1) return { type: 'array', items: convType(node.typeArguments[0], resolve) };
      const def = resolve(name);
      return def ? { $ref: REF + def } : {};
    }
    case ts.SyntaxKind.TypeLiteral: {
      const idx = node.members.find((m) => ts.isIndexSignatureDeclaration(m));
      if (idx) return { type: 'object', additionalProperties: convType(idx.type, resolve) };
      return { type: 'object' };
    }
    default:
      return {};
  }
}

/** Parses every model declaration into { defName: { description, isKind, gvk, props: [{name, optional, schema, description}] } }. */
function parseDeclarations() {
  const files = [...walkDts(pkgDir('kubernetes-models')), ...walkDts(pkgDir('@kubernetes-models/apimachinery'))];
  const decls = new Map();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('IIoK8s')) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const localToAlias = new Map();
    for (const st of sf.statements) {
      if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) if (el.propertyName) localToAlias.set(el.propertyName.text, el.name.text);
      }
    }
    const resolve = (name) => {
      if (name.startsWith('IIoK8s')) return aliasToDefName(name);
      const alias = localToAlias.get(name);
      return alias && alias.startsWith('IIoK8s') ? aliasToDefName(alias) : undefined;
    };
    for (const st of sf.statements) {
      if (!ts.isInterfaceDeclaration(st) && !ts.isTypeAliasDeclaration(st)) continue;
      const alias = localToAlias.get(st.name.text);
      if (!alias || !alias.startsWith('IIoK8s')) continue;
      const defName = aliasToDefName(alias);
      if (!defName) {
        console.warn(`gen-schemas: cannot name ${alias} (${file})`);
        continue;
      }
      const d = { description: jsDocOf(text, st), isKind: false, props: [] };
      if (ts.isTypeAliasDeclaration(st)) {
        d.alias = convType(st.type, resolve);
      } else {
        d.isKind = (st.heritageClauses ?? []).some((h) => h.types.some((t) => t.expression.getText(sf) === 'TypeMeta'));
        for (const m of st.members) {
          if (!ts.isPropertySignature(m) || !m.type) continue;
          const name = propName(m.name);
          if (!name) continue;
          d.props.push({ name, optional: !!m.questionToken, schema: convType(m.type, resolve), description: jsDocOf(text, m) });
        }
        if (d.isKind) {
          const lit = (n) => d.props.find((p) => p.name === n)?.schema.enum?.[0];
          const av = lit('apiVersion');
          const kind = lit('kind');
          if (av && kind) {
            const i = av.indexOf('/');
            d.gvk = [{ group: i < 0 ? '' : av.slice(0, i), kind, version: i < 0 ? av : av.slice(i + 1) }];
          }
        }
      }
      decls.set(defName, d);
    }
  }
  return decls;
}

/** Descriptions of apiVersion and kind, which the kinds inherit from TypeMeta. */
function typeMetaDescriptions() {
  const out = {};
  try {
    const file = path.join(pkgDir('@kubernetes-models/base'), 'dist', 'meta.d.ts');
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    for (const st of sf.statements) {
      if (!ts.isInterfaceDeclaration(st) || st.name.text !== 'TypeMeta') continue;
      for (const m of st.members) {
        const name = m.name && propName(m.name);
        if (name) out[name] = jsDocOf(text, m);
      }
    }
  } catch (e) {
    console.warn(`gen-schemas: no TypeMeta descriptions (${e.message})`);
  }
  return out;
}

/** Imports the transpiled type-meta module; from src through a throwaway transpile when dist lacks it. */
async function loadTypeMeta() {
  const built = path.join(ROOT, 'dist', 'src', 'api', 'patch', 'type-meta.js');
  try {
    if (existsSync(built)) return await import(pathToFileURL(built).href);
    const srcDir = path.join(ROOT, 'src', 'api', 'patch');
    if (!existsSync(path.join(srcDir, 'type-meta.ts'))) throw new Error('src/api/patch/type-meta.ts is missing');
    const tmp = mkdtempSync(path.join(tmpdir(), 'k8ts-type-meta-'));
    try {
      for (const f of readdirSync(srcDir)) {
        if (!f.startsWith('type-meta') || !f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
        const js = ts.transpileModule(readFileSync(path.join(srcDir, f), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
        }).outputText;
        writeFileSync(path.join(tmp, f.replace(/\.ts$/, '.js')), js);
      }
      writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}');
      return await import(pathToFileURL(path.join(tmp, 'type-meta.js')).href);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    console.warn(`gen-schemas: type metadata unavailable, schemas lack formats and x-kubernetes extensions (${e.message})`);
    return undefined;
  }
}

function scalar(type, format) {
  const s = {};
  if (type) s.type = type;
  // "quantity" is type-meta's own marker; upstream's Quantity has no format.
  if (format && format !== 'quantity') s.format = format;
  return s;
}

/** A property schema from type-meta's structural facts. */
function fromFieldMeta(fm) {
  const elem = () => (fm.ref ? { $ref: REF + fm.ref } : fm.elemList ? { type: 'array', items: scalar(fm.elemType, fm.elemFormat) } : scalar(fm.elemType, fm.elemFormat));
  if (fm.list) return { type: 'array', items: elem() };
  if (fm.map) return { type: 'object', additionalProperties: elem() };
  if (fm.ref) return { $ref: REF + fm.ref };
  return scalar(fm.type, fm.format);
}

const FIELD_EXTENSIONS = [
  ['patchMergeKey', 'x-kubernetes-patch-merge-key'],
  ['patchStrategy', 'x-kubernetes-patch-strategy'],
  ['listType', 'x-kubernetes-list-type'],
  ['listMapKeys', 'x-kubernetes-list-map-keys'],
  ['mapType', 'x-kubernetes-map-type'],
];

function enumOf(s) {
  if (!s) return undefined;
  if (s.enum) return { where: 'self', values: s.enum };
  if (s.type === 'array' && s.items?.enum) return { where: 'items', values: s.items.enum };
  return undefined;
}

function orderKeys(s) {
  // Stable, upstream-like key order makes the generated file diffable.
  const out = {};
  for (const k of Object.keys(s).sort()) out[k] = s[k];
  return out;
}

function buildDefinition(name, decl, tm, metaDesc, tmIndex) {
  const def = {};
  if (decl?.description) def.description = decl.description;
  if (tm) {
    if (tm.type) def.type = tm.type;
    const f = scalar(undefined, tm.format).format;
    if (f) def.format = f;
  } else if (decl?.alias) {
    Object.assign(def, decl.alias.type ? { type: decl.alias.type } : {});
  } else if (decl) {
    def.type = 'object';
  }
  // Scalars that the declarations cannot express.
  if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') Object.assign(def, { type: 'string', format: 'int-or-string' });
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') def.type = 'string';
  if (name.endsWith('.meta.v1.Time') || name.endsWith('.meta.v1.MicroTime')) Object.assign(def, { type: 'string', format: 'date-time' });

  const dtsProps = new Map((decl?.props ?? []).map((p) => [p.name, p]));
  const fieldNames = tm ? Object.keys(tm.fields) : [...dtsProps.keys()];
  if (fieldNames.length) {
    const props = {};
    for (const fname of [...fieldNames].sort()) {
      const fm = tm?.fields[fname];
      const dp = dtsProps.get(fname);
      const typeMetaField = decl?.isKind && (fname === 'apiVersion' || fname === 'kind');
      let s;
      if (fm) s = fromFieldMeta(fm);
      else if (typeMetaField) s = { type: 'string' };
      else if (dp) s = structuredClone(dp.schema);
      else s = {};
      const en = typeMetaField ? undefined : enumOf(dp?.schema);
      if (en) {
        if (en.where === 'self' && s.type === 'string') s.enum = en.values;
        if (en.where === 'items' && s.type === 'array' && s.items?.type === 'string') s.items.enum = en.values;
      }
      const desc = dp?.description ?? (typeMetaField || (tm?.gvk && (fname === 'apiVersion' || fname === 'kind')) ? metaDesc[fname] : undefined);
      if (desc) s.description = desc;
      if (fm) {
        for (const [from, to] of FIELD_EXTENSIONS) if (fm[from] !== undefined) s[to] = fm[from];
        // A field may make a granular struct atomic (or back); say so only when it differs.
        if (fm.structType && fm.ref && tmIndex(fm.ref)?.mapType !== fm.structType) s['x-kubernetes-map-type'] = fm.structType;
      }
      props[fname] = orderKeys(s);
    }
    def.properties = props;
  }
  const required = tm ? tm.required : decl?.props.filter((p) => !p.optional && !(decl.isKind && (p.name === 'apiVersion' || p.name === 'kind'))).map((p) => p.name);
  if (required?.length) def.required = [...required];
  if (tm?.mapType) def['x-kubernetes-map-type'] = tm.mapType;
  const gvk = tm?.gvk ?? decl?.gvk;
  if (gvk?.length) def['x-kubernetes-group-version-kind'] = gvk.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
  return orderKeys(def);
}

/** Generates the schemas and writes them to outPath; returns what it did. */
export async function generateSchemas(outPath = DEFAULT_OUT) {
  const t0 = performance.now();
  const decls = parseDeclarations();
  const metaDesc = typeMetaDescriptions();
  const tmMod = await loadTypeMeta();
  const tmIndex = (n) => (tmMod ? tmMod.typeMeta(n) : undefined);
  const names = new Set([...decls.keys(), ...(tmMod?.allTypeNames?.() ?? [])]);
  const definitions = {};
  for (const name of [...names].sort()) definitions[name] = buildDefinition(name, decls.get(name), tmIndex(name), metaDesc, tmIndex);
  mkdirSync(path.dirname(outPath), { recursive: true });
  writeFileSync(outPath, JSON.stringify({ definitions }));
  const ms = Math.round(performance.now() - t0);
  return { outPath, count: Object.keys(definitions).length, ms, withTypeMeta: !!tmMod };
}

// Run when invoked directly or imported by scripts/build.mjs (which expects the side effect).
const invokedBy = process.argv[1] ? path.basename(process.argv[1]) : '';
const direct = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (direct || invokedBy === 'build.mjs') {
  const out = direct && process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT;
  const r = await generateSchemas(out);
  if (direct) console.log(`gen-schemas: ${r.count} definitions -> ${path.relative(process.cwd(), r.outPath)} in ${r.ms} ms`);
}
