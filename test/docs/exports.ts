/**
 * The public surface, read with the TypeScript compiler API: every function and class exported
 * from the package's public entry points (zarrflow, zarrflow/codecs, /errors, /stores, /streams,
 * /sync: see {@link entryPoints}), and the public
 * methods of the classes users hold most (ZarrArray, ZarrGroup), each with the JSDoc tags of its
 * declarations. test/docs/examples.test.ts checks that each has an `@example`.
 */
import ts from "typescript";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

/**
 * The source module of every public subpath in package.json's `exports` (`.` → src/index.ts,
 * `./codecs` → src/codecs/index.ts, ...). `zarrflow/internal` is left out: it re-exports the rest
 * of the implementation for power users and tools, and is documented by its modules' own comments.
 */
export function entryPoints(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string | { default?: string }> };
  const out: string[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === "./package.json" || subpath === "./internal") continue;
    const js = typeof target === "string" ? target : target.default;
    if (!js) continue;
    out.push(js.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
  }
  return out;
}
export const ENTRY_POINTS = entryPoints();
/** Classes whose public methods are API a user calls directly (zarr-python's Array and Group). */
export const METHOD_CLASSES = ["ZarrArray", "ZarrGroup"];

export interface PublicItem {
  /** `name` for a function or class, `Class.prototype.method` / `Class.method` for members. */
  name: string;
  /** Other names the same declaration is exported under (e.g. `JSON` for `JSONCodec`). */
  aliases: string[];
  kind: "function" | "class" | "method";
  /** Where it is declared, relative to the repository root, with the line. */
  where: string;
  hasExample: boolean;
  internal: boolean;
}

function tagsOf(decl: ts.Node): string[] {
  return ts.getJSDocTags(decl).map((t) => t.tagName.text);
}

function where(decl: ts.Node): string {
  const sf = decl.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(decl.getStart());
  return `${relative(ROOT, sf.fileName)}:${line + 1}`;
}

function isFunctionLike(decl: ts.Declaration): boolean {
  if (ts.isFunctionDeclaration(decl)) return true;
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    return ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer);
  }
  return false;
}

/** Tags of a variable are on its statement, not the declaration. */
function declTags(decl: ts.Declaration): string[] {
  if (ts.isVariableDeclaration(decl)) return tagsOf(decl.parent.parent);
  return tagsOf(decl);
}

/** Every exported function and class of the entry points, and the public methods of METHOD_CLASSES. */
export function publicItems(): PublicItem[] {
  const program = ts.createProgram(ENTRY_POINTS.map((e) => join(ROOT, e)), {
    allowImportingTsExtensions: true, noEmit: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true,
  });
  const checker = program.getTypeChecker();
  // Keyed by declaration site: one declaration exported under two names is one item, and two
  // declarations sharing a name (the root's `copy` and the streams' `copy`) are two.
  const items = new Map<string, PublicItem>();
  const add = (item: Omit<PublicItem, "aliases">) => {
    const seen = items.get(item.where);
    if (!seen) items.set(item.where, { ...item, aliases: [] });
    else if (seen.name !== item.name && !seen.aliases.includes(item.name)) seen.aliases.push(item.name);
  };
  for (const entry of ENTRY_POINTS) {
    const sf = program.getSourceFile(join(ROOT, entry));
    if (!sf) throw new Error(`entry point not found: ${entry}`);
    const mod = checker.getSymbolAtLocation(sf);
    if (!mod) continue;
    for (const exp of checker.getExportsOfModule(mod)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const decls = sym.getDeclarations() ?? [];
      const name = exp.getName();
      if (decls.some((d) => ts.isClassDeclaration(d))) {
        const tags = decls.flatMap(declTags);
        add({ name, kind: "class", where: where(decls[0]!), hasExample: tags.includes("example"), internal: tags.includes("internal") });
        if (METHOD_CLASSES.includes(name)) addMethods(name, decls.find(ts.isClassDeclaration)!, add);
      } else if (decls.some(isFunctionLike)) {
        const tags = decls.flatMap(declTags);
        add({ name, kind: "function", where: where(decls[0]!), hasExample: tags.includes("example"), internal: tags.includes("internal") });
      }
    }
  }
  return [...items.values()].sort((a, b) => a.name.localeCompare(b.name) || a.where.localeCompare(b.where));
}

function addMethods(cls: string, decl: ts.ClassDeclaration, add: (item: Omit<PublicItem, "aliases">) => void): void {
  const byName = new Map<string, ts.MethodDeclaration[]>();
  for (const m of decl.members) {
    if (!ts.isMethodDeclaration(m) || !m.name || !ts.isIdentifier(m.name)) continue;
    const mods = ts.getCombinedModifierFlags(m);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    if (m.name.text.startsWith("_")) continue;
    const key = `${cls}.${mods & ts.ModifierFlags.Static ? "" : "prototype."}${m.name.text}`;
    byName.set(key, [...(byName.get(key) ?? []), m]);
  }
  for (const [name, ms] of byName) {
    const tags = ms.flatMap(tagsOf);
    add({ name, kind: "method", where: where(ms[0]!), hasExample: tags.includes("example"), internal: tags.includes("internal") });
  }
}
