// Call sites: every `sess.run(fetches, feeds)` in the sources that import a model (the model
// file itself or its compiled module) whose fetch structure and feed keys resolve statically to
// the model's exports (or tensor names) becomes a plan request; the generated module then holds
// a precompiled plan for it. A site that does not resolve is a warning with the reason; a fetch
// or feed the model does not have is an error. Read with ts-morph and the type checker.
import { basename, dirname, resolve } from 'node:path';
import { Node, SyntaxKind, type CallExpression, type Expression, type SourceFile } from 'ts-morph';
import { error, warning, type Diagnostic } from './diagnostics.js';

/** One plan a call site needs, by name: fetched exports/tensor names and fed ones. */
export interface PlanRequest {
  /** `file:line:col` of the call. */
  readonly site: string;
  /** Fetch leaves: an export name (`{export}`) or a graph element name (`{name}`), in source order. */
  readonly fetches: readonly Leaf[];
  readonly feeds: readonly Leaf[];
}

export type Leaf = { readonly export: string } | { readonly name: string };

export interface CallSiteResult {
  readonly requests: readonly PlanRequest[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The module specifiers (resolved absolute paths, without extension) that mean "this model". */
export function modelModulePaths(modelFile: string, outDir: string): string[] {
  const stem = basename(modelFile).replace(/\.tf\.(ts|mts|js|mjs)$/, '');
  return [modelFile.replace(/\.(ts|mts|js|mjs)$/, ''), resolve(outDir, stem)];
}

class Unresolved extends Error {}

/**
 * Finds the run call sites in `sources` that use the model. `modelPaths` are the import targets
 * that denote it (see modelModulePaths); `exportNames` what it exports.
 */
export function findCallSites(sources: readonly SourceFile[], modelPaths: readonly string[], exportNames: ReadonlySet<string>): CallSiteResult {
  const requests: PlanRequest[] = [];
  const diagnostics: Diagnostic[] = [];
  const isModelSpecifier = (sf: SourceFile, spec: string) => {
    if (!spec.startsWith('.')) return false;
    const p = resolve(dirname(sf.getFilePath()), spec).replace(/\.(d\.ts|ts|mts|js|mjs)$/, '');
    return modelPaths.includes(p);
  };
  for (const sf of sources) {
    const importsModel = sf.getImportDeclarations().some((d) => isModelSpecifier(sf, d.getModuleSpecifierValue()));
    if (!importsModel) continue;
    for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      if (!isSessionRun(call)) continue;
      const pos = sf.getLineAndColumnAtPos(call.getStart());
      const site = `${sf.getFilePath()}:${pos.line}:${pos.column}`;
      const [fetchArg, feedArg] = call.getArguments() as Expression[];
      const leafOf = (e: Expression): Leaf => {
        const s = stringValue(e);
        if (s !== undefined) return { name: s };
        const name = exportName(e, (spec) => isModelSpecifier(sf, spec));
        if (name === undefined) throw new Unresolved(`\`${e.getText()}\` is not an export of the model, a tensor name, or a const of them`);
        if (!exportNames.has(name)) throw new ModelMiss(`'${name}' is not exported by the model`, e);
        return { export: name };
      };
      try {
        if (!fetchArg) throw new Unresolved('it has no fetches');
        const fetches: Leaf[] = [];
        collectFetches(fetchArg, leafOf, fetches);
        const feeds = feedArg === undefined || Node.isNullLiteral(feedArg) || isUndefined(feedArg) ? [] : feedKeys(feedArg, leafOf);
        requests.push({ site, fetches, feeds });
      } catch (e) {
        if (e instanceof ModelMiss) {
          const p = sf.getLineAndColumnAtPos(e.node.getStart());
          diagnostics.push(error(sf.getFilePath(), p.line, p.column, `sess.run fetches ${e.message}`));
        } else if (e instanceof Unresolved) {
          diagnostics.push(warning(sf.getFilePath(), pos.line, pos.column, `sess.run not precompiled: ${e.message}; this run compiles at run time (an error under --strict)`));
        } else throw e;
      }
    }
  }
  return { requests, diagnostics };
}

class ModelMiss extends Error {
  constructor(message: string, readonly node: Node) { super(message); }
}

/** `x.run(…)` where x is a Session (by its type, or by being made with `new …Session(…)`). */
function isSessionRun(call: CallExpression): boolean {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'run') return false;
  const recv = callee.getExpression();
  const typeName = recv.getType().getSymbol()?.getName() ?? recv.getType().getText();
  if (/Session\b/.test(typeName)) return true;
  const decl = Node.isIdentifier(recv) ? declarationOf(recv) : undefined;
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  return !!init && Node.isNewExpression(init) && /Session$/.test(init.getExpression().getText());
}

function collectFetches(e: Expression, leafOf: (e: Expression) => Leaf, out: Leaf[]): void {
  e = unwrap(e);
  if (Node.isArrayLiteralExpression(e)) {
    for (const el of e.getElements()) collectFetches(el, leafOf, out);
  } else if (Node.isObjectLiteralExpression(e)) {
    for (const p of e.getProperties()) {
      if (Node.isPropertyAssignment(p)) collectFetches(p.getInitializerOrThrow(), leafOf, out);
      else if (Node.isShorthandPropertyAssignment(p)) out.push(leafOf(p.getNameNode()));
      else throw new Unresolved(`the fetch property \`${p.getText()}\` is not a plain property`);
    }
  } else {
    const init = constInitializer(e);
    if (init && (Node.isArrayLiteralExpression(unwrap(init)) || Node.isObjectLiteralExpression(unwrap(init)))) collectFetches(init, leafOf, out);
    else out.push(leafOf(e));
  }
}

/** The fed tensors of `{X: …, 'Y:0': …}` or `new Map([[X, …], …])`. */
function feedKeys(e: Expression, leafOf: (e: Expression) => Leaf): Leaf[] {
  e = unwrap(e);
  const init = constInitializer(e);
  if (init) return feedKeys(init, leafOf);
  if (Node.isObjectLiteralExpression(e)) {
    return e.getProperties().map((p) => {
      if (Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p)) {
        const n = p.getNameNode();
        if (Node.isComputedPropertyName(n)) throw new Unresolved(`the feed key \`${n.getText()}\` is computed`);
        return { name: Node.isStringLiteral(n) ? n.getLiteralValue() : n.getText() };
      }
      throw new Unresolved(`the feed entry \`${p.getText()}\` is not a plain property`);
    });
  }
  if (Node.isNewExpression(e) && e.getExpression().getText() === 'Map') {
    const [entries] = e.getArguments() as Expression[];
    const list = entries && unwrap(entries);
    if (!list || !Node.isArrayLiteralExpression(list)) throw new Unresolved('the feed Map is not built from an array literal of [key, value] pairs');
    return list.getElements().map((pair) => {
      const p = unwrap(pair);
      if (!Node.isArrayLiteralExpression(p) || p.getElements().length !== 2) throw new Unresolved(`the feed entry \`${pair.getText()}\` is not a [key, value] pair`);
      return leafOf(p.getElements()[0]);
    });
  }
  throw new Unresolved(`the feeds \`${e.getText()}\` are not an object literal or a Map of [key, value] pairs`);
}

/** The model export an expression denotes: an imported binding, `ns.name`, or a const of them. */
function exportName(e: Expression, isModel: (spec: string) => boolean): string | undefined {
  e = unwrap(e);
  if (Node.isPropertyAccessExpression(e)) {
    const ns = e.getExpression();
    const decl = Node.isIdentifier(ns) ? declarationOf(ns) : undefined;
    if (decl && Node.isNamespaceImport(decl) && isModel(decl.getFirstAncestorByKindOrThrow(SyntaxKind.ImportDeclaration).getModuleSpecifierValue())) return e.getName();
    return undefined;
  }
  if (!Node.isIdentifier(e)) return undefined;
  const decl = declarationOf(e);
  if (decl && Node.isImportSpecifier(decl)) {
    if (!isModel(decl.getImportDeclaration().getModuleSpecifierValue())) return undefined;
    return decl.getName(); // why: ts-morph names the imported binding here; the alias is getAliasNode()
  }
  const init = constInitializer(e);
  return init ? exportName(init, isModel) : undefined;
}

/** The initializer of a `const` an identifier names (never a `let`: it may be reassigned). */
function constInitializer(e: Expression): Expression | undefined {
  if (!Node.isIdentifier(e)) return undefined;
  const decl = declarationOf(e);
  if (!decl || !Node.isVariableDeclaration(decl)) return undefined;
  const list = decl.getVariableStatement()?.getDeclarationKind();
  return list === 'const' ? decl.getInitializer() : undefined;
}

/** The declaration an identifier refers to (for `{loss}` shorthand: the variable, not the property). */
function declarationOf(id: Node): Node | undefined {
  const parent = id.getParent();
  const sym = parent && Node.isShorthandPropertyAssignment(parent) ? parent.getValueSymbol() : id.getSymbol();
  return sym?.getDeclarations()[0];
}

function stringValue(e: Expression): string | undefined {
  e = unwrap(e);
  if (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) return e.getLiteralValue();
  const init = constInitializer(e);
  return init ? stringValue(init) : undefined;
}

function isUndefined(e: Expression): boolean {
  return Node.isIdentifier(e) && e.getText() === 'undefined';
}

function unwrap(e: Expression): Expression {
  while (Node.isParenthesizedExpression(e) || Node.isAsExpression(e) || Node.isSatisfiesExpression(e) || Node.isNonNullExpression(e)) e = e.getExpression();
  return e;
}
