/**
 * `npm run migrate -- --declarations [DIR] [--check]`
 *
 * Brings existing declarations (`vclusters/*.ts`, the site configuration `platform.ts` aside) up
 * to what this version accepts, in place, by editing their source text at the positions the
 * TypeScript compiler reports (never by pattern-matching the text), so everything else of a file,
 * comments and formatting included, stays as written. It removes:
 *
 * - `etcdPki` (retired: `true` is refused, `false` does nothing), with the comment lines directly
 *   above it;
 * - etcd arguments that switch off client-certificate auth or open a plaintext listener, from
 *   `backingStore.etcd.deploy.statefulSet.extraArgs` (the list itself when it ends up empty).
 *
 * Running it twice changes nothing the second time. `--check` only reports and exits 1 when a
 * file would change. A value the compiler cannot read as a literal (a variable, a spread) is
 * reported for a person to fix, never guessed at.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as TS from 'typescript';
import { ETCD_EXTRA_ARGS_PATH, weakensClientAuth } from '../etcd/client-auth';
import { isPlainObject } from '../validation';

/**
 * The TypeScript compiler, loaded when a declaration is first rewritten: a project that installed
 * the package brings its own (the package does not depend on it; only this command needs it).
 */
let ts: typeof TS;

function compiler(): typeof TS {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('typescript') as typeof TS;
    if (typeof loaded.createSourceFile === 'function') return loaded;
  } catch {
    // not installed: said below
  }
  throw new Error(
    'migrate --declarations edits the declarations with the TypeScript 5 compiler API: install it in the project (npm install --save-dev typescript@5)',
  );
}

/** One change made (or, with `--check`, needed) in a declaration file. */
export interface DeclarationEdit {
  /** 1-based line of the removed text. */
  readonly line: number;
  /** What was removed and why. */
  readonly message: string;
}

/** What rewriting one file found. */
export interface DeclarationRewrite {
  /** The new text (the old one when nothing changed). */
  readonly text: string;
  /** The removals, in source order. */
  readonly edits: readonly DeclarationEdit[];
  /** Places a person must fix (values that are not literals). */
  readonly manual: readonly DeclarationEdit[];
}

/** A half-open range of the source text to delete. */
interface Removal {
  readonly start: number;
  readonly end: number;
}

/** The name of a property as written (`etcdPki`, `'etcdPki'`), or undefined for computed names. */
function propertyName(p: TS.ObjectLiteralElementLike): string | undefined {
  if (!ts.isPropertyAssignment(p)) return undefined;
  const n = p.name;
  return ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : undefined;
}

/** The value of the property `name` of an object literal, if it is an object literal itself. */
function objectProperty(o: TS.ObjectLiteralExpression, name: string): TS.PropertyAssignment | undefined {
  return o.properties.find((p): p is TS.PropertyAssignment => propertyName(p) === name);
}

/**
 * The text range that removes one element of a list (object property or array element): the
 * element, the comma after it, and the comment lines directly above it (not those separated from
 * it by a blank line).
 */
function removalOf(source: TS.SourceFile, node: TS.Node): Removal {
  const text = source.text;
  const fullStart = node.getFullStart();
  const start = node.getStart(source);
  const trivia = text.slice(fullStart, start);
  const blank = trivia.search(/\n[ \t]*\n(?![\s\S]*\n[ \t]*\n)/);
  const from = blank >= 0 ? fullStart + blank + 1 : fullStart;
  let end = node.getEnd();
  // the comma after it, and a comment that ends its line (it would move to the line before otherwise)
  const after = /^[ \t]*,?([ \t]*\/\/[^\n]*)?/.exec(text.slice(end));
  if (after) end += after[0].length;
  return { start: from, end };
}

/** The first argument of every `defineVCluster({...})` call of a file. */
function declarationLiterals(source: TS.SourceFile): TS.ObjectLiteralExpression[] {
  const found: TS.ObjectLiteralExpression[] = [];
  const visit = (n: TS.Node): void => {
    if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'defineVCluster' &&
      n.arguments.length > 0 &&
      ts.isObjectLiteralExpression(n.arguments[0])
    ) {
      found.push(n.arguments[0]);
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return found;
}

/** Rewrites one declaration's source text (see the module comment for what is removed). */
export function rewriteDeclaration(fileName: string, text: string): DeclarationRewrite {
  ts ??= compiler();
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const removals: Removal[] = [];
  const edits: DeclarationEdit[] = [];
  const manual: DeclarationEdit[] = [];
  const lineOf = (n: TS.Node) => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
  for (const spec of declarationLiterals(source)) {
    const etcdPki = objectProperty(spec, 'etcdPki');
    if (etcdPki) {
      removals.push(removalOf(source, etcdPki));
      edits.push({
        line: lineOf(etcdPki),
        message: `removed etcdPki: ${etcdPki.initializer.getText(source)} (retired: nothing read that PKI; the chart's deployed etcd secures itself with <release>-certs)`,
      });
    }
    weakEtcdArgs(source, spec, removals, edits, manual, lineOf);
  }
  removals.sort((a, b) => b.start - a.start);
  let out = text;
  for (const r of removals) out = out.slice(0, r.start) + out.slice(r.end);
  return { text: out, edits: edits.sort((a, b) => a.line - b.line), manual };
}

/** Removes the etcd arguments of `backingStore` that weaken client-certificate auth (the list too when nothing is left). */
function weakEtcdArgs(
  source: TS.SourceFile,
  spec: TS.ObjectLiteralExpression,
  removals: Removal[],
  edits: DeclarationEdit[],
  manual: DeclarationEdit[],
  lineOf: (n: TS.Node) => number,
): void {
  let holder: TS.ObjectLiteralExpression | undefined = spec;
  for (const key of ['backingStore', ...ETCD_EXTRA_ARGS_PATH.slice(0, -1)]) {
    const p: TS.PropertyAssignment | undefined = holder ? objectProperty(holder, key) : undefined;
    holder = p && ts.isObjectLiteralExpression(p.initializer) ? p.initializer : undefined;
  }
  const prop = holder && objectProperty(holder, 'extraArgs');
  if (!prop) return;
  const field = `backingStore.${ETCD_EXTRA_ARGS_PATH.join('.')}`;
  if (!ts.isArrayLiteralExpression(prop.initializer)) {
    manual.push({
      line: lineOf(prop),
      message: `${field} is not a list literal: check by hand that no argument switches off client-certificate auth`,
    });
    return;
  }
  const weak: TS.Expression[] = [];
  prop.initializer.elements.forEach((e, i) => {
    if (!ts.isStringLiteral(e) && !ts.isNoSubstitutionTemplateLiteral(e)) {
      manual.push({
        line: lineOf(e),
        message: `${field}[${i}] is not a string literal: check by hand that it keeps client-certificate auth`,
      });
      return;
    }
    const why = weakensClientAuth(e.text);
    if (!why) return;
    weak.push(e);
    edits.push({ line: lineOf(e), message: `removed ${field}[${i}] ${JSON.stringify(e.text)}: ${why}` });
  });
  if (!weak.length) return;
  if (weak.length === prop.initializer.elements.length) removals.push(removalOf(source, prop));
  else for (const e of weak) removals.push(removalOf(source, e));
}

/** Options of {@link runMigrateDeclarations}. */
export interface MigrateDeclarationsOptions {
  /** Folder of the declarations. */
  readonly dir: string;
  /** Only report; write nothing. @default false */
  readonly check?: boolean;
  /** Where messages go. @default console */
  readonly log?: (line: string) => void;
}

/**
 * Rewrites (or with `check` only inspects) every declaration of a folder. Returns the exit code:
 * 0 when every file is (now) up to date, 1 when `check` found files to change or a value needs a
 * person.
 */
export function runMigrateDeclarations(opts: MigrateDeclarationsOptions): number {
  const log = opts.log ?? ((l: string) => console.log(l));
  const files = fs
    .readdirSync(opts.dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'platform.ts')
    .sort();
  let pending = 0;
  let manual = 0;
  for (const f of files) {
    const file = path.join(opts.dir, f);
    const shown = path.relative(process.cwd(), file) || file;
    const before = fs.readFileSync(file, 'utf8');
    const r = rewriteDeclaration(file, before);
    for (const e of r.edits) log(`${opts.check ? 'would change' : 'changed'} ${shown}:${e.line}: ${e.message}`);
    for (const e of r.manual) log(`fix by hand ${shown}:${e.line}: ${e.message}`);
    manual += r.manual.length;
    if (r.text === before) continue;
    pending++;
    if (!opts.check) fs.writeFileSync(file, r.text);
  }
  const verb = opts.check ? 'need changes' : 'changed';
  log(
    `migrate --declarations: ${files.length} declaration${files.length === 1 ? '' : 's'}, ${pending} ${verb}${manual ? `, ${manual} to fix by hand` : ''}`,
  );
  return (opts.check && pending) || manual ? 1 : 0;
}

/** Parses `[DIR] [--check]` (after `--declarations`); `defaultDir` when no folder is named. */
/**
 * Removes from a migrated declaration object the etcd arguments that weaken client-certificate
 * auth, the list too when nothing is left; returns the removed arguments.
 */
export function dropWeakEtcdArgs(spec: Record<string, unknown>): string[] {
  let holder: unknown = spec.backingStore;
  for (const key of ETCD_EXTRA_ARGS_PATH.slice(0, -1)) holder = isPlainObject(holder) ? holder[key] : undefined;
  if (!isPlainObject(holder) || !Array.isArray(holder.extraArgs)) return [];
  const args = holder.extraArgs as unknown[];
  const weak = args.filter((a): a is string => typeof a === 'string' && weakensClientAuth(a) !== undefined);
  const kept = args.filter((a) => !weak.includes(a as string));
  if (kept.length) holder.extraArgs = kept;
  else delete holder.extraArgs;
  return weak;
}
