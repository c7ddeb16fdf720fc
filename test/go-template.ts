/**
 * A tiny evaluator for the subset of Go text/template (plus the sprig/ESO functions) that the
 * ExternalSecret and PushSecret templates of this project use, so tests can render them with sample
 * values: literal text, `{{ pipeline }}`, `if`/`else`/`end`, `with`, `range`, `.`, `.key`, string
 * literals, parentheses, pipes, and the functions `index`, `not`, `and`, `or`, `fail`, `b64enc`,
 * `trim`, `toJson`, `fromYaml`. Anything else throws, so a template using more fails the test.
 *
 * Where text ends and an action begins follows Go's lexer (`text/template/parse/lex.go`) exactly,
 * since that is what decides whether user text is executed: text runs up to the next `{{`; `{{- `
 * and ` -}}` (a space, tab, CR or LF next to the `-`) trim the whitespace around the action;
 * `{{/* … *\/}}` is a comment; inside an action, quoted strings, raw strings and character
 * constants may contain `}}`; string literals are unquoted as Go's `strconv.Unquote` does. The
 * real engine (`test/engines/eso-template`) checks this evaluator's verdicts in CI.
 */
import * as YAML from 'yaml';

type Node =
  { t: 'text'; v: string } | { t: 'action'; pipe: string } | { t: 'if' | 'with' | 'range'; pipe: string; body: Node[]; otherwise: Node[] };

/** Go's `isSpace` of the template lexer (trim markers and separators). */
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** A piece of template source: literal text, or the inside of one action (trim markers removed). */
type Piece = { t: 'text'; v: string } | { t: 'action'; body: string };

/** Where the action starting after `{{` at `pos` ends: the body, and where text resumes. */
function scanAction(src: string, pos: number): { body: string; end: number; trimAfter: boolean; comment: boolean } {
  const trimBefore = src[pos] === '-' && isSpace(src[pos + 1]);
  const from = trimBefore ? pos + 2 : pos;
  const atRightDelim = (i: number): { len: number; trim: boolean } | undefined => {
    if (isSpace(src[i]) && src[i + 1] === '-' && src.startsWith('}}', i + 2)) return { len: 4, trim: true };
    return src.startsWith('}}', i) ? { len: 2, trim: false } : undefined;
  };
  if (src.startsWith('/*', from)) {
    const close = src.indexOf('*/', from + 2);
    if (close < 0) throw new Error('template: unclosed comment');
    const delim = atRightDelim(close + 2);
    if (!delim) throw new Error('template: comment ends before closing delimiter');
    return { body: '', end: close + 2 + delim.len, trimAfter: delim.trim, comment: true };
  }
  let depth = 0;
  for (let i = from; i < src.length;) {
    const delim = atRightDelim(i);
    if (delim && depth > 0) throw new Error('template: unclosed left paren');
    if (delim) return { body: src.slice(from, i), end: i + delim.len, trimAfter: delim.trim, comment: false };
    const c = src[i];
    if (c === '"' || c === "'") i = skipQuoted(src, i, c);
    else if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new Error('template: unterminated raw quoted string');
      i = close + 1;
    } else {
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) throw new Error('template: unexpected right paren');
      i++;
    }
  }
  throw new Error('template: unclosed action');
}

/** The index after a Go quoted string or character constant starting at `i` (lexQuote/lexChar). */
function skipQuoted(src: string, i: number, quote: string): number {
  for (let j = i + 1; ; j++) {
    const c = src[j];
    if (c === '\\' && src[j + 1] !== undefined && src[j + 1] !== '\n') j++;
    else if (c === undefined || c === '\n' || c === '\\') throw new Error('template: unterminated quoted string');
    else if (c === quote) return j + 1;
  }
}

/** Splits a template into text and actions as Go's lexer does (delimiters, trim markers, comments). */
function lexPieces(src: string): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open >= 0 && src[open + 2] === '-' && isSpace(src[open + 3])) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) pieces.push({ t: 'text', v: text });
    if (open < 0) break;
    const action = scanAction(src, open + 2);
    if (!action.comment) pieces.push({ t: 'action', body: action.body });
    pos = action.end;
    trimNext = action.trimAfter;
  }
  return pieces;
}

function parse(src: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node?: Extract<Node, { body: Node[] }>; list: Node[]; inElse: boolean }> = [{ list: root, inElse: false }];
  for (const piece of lexPieces(src)) {
    const top = stack[stack.length - 1];
    if (piece.t === 'text') {
      top.list.push({ t: 'text', v: piece.v });
      continue;
    }
    const body = piece.body.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    const kw = /^(if|with|range|else|end)(?![A-Za-z0-9_])[ \t\r\n]*([\s\S]*)$/.exec(body);
    if (!kw) {
      top.list.push({ t: 'action', pipe: body });
    } else if (kw[1] === 'end') {
      if (stack.length === 1) throw new Error('template: unexpected {{end}}');
      stack.pop();
    } else if (kw[1] === 'else') {
      if (!top.node || top.inElse) throw new Error('template: unexpected {{else}}');
      top.inElse = true;
      top.list = top.node.otherwise;
    } else {
      const node = { t: kw[1] as 'if', pipe: kw[2], body: [] as Node[], otherwise: [] as Node[] };
      top.list.push(node);
      stack.push({ node, list: node.body, inElse: false });
    }
  }
  if (stack.length !== 1) throw new Error('unbalanced template blocks');
  return root;
}

function tokenize(s: string): string[] {
  const tokens: string[] = [];
  const re = /[ \t\r\n]*("(?:[^"\\\n]|\\[^\n])*"|`[^`]*`|\(|\)|\||\.[A-Za-z_][A-Za-z0-9_]*|\.|[A-Za-z_][A-Za-z0-9_]*)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < s.length && (m = re.exec(s))) {
    tokens.push(m[1]);
    pos = re.lastIndex;
    if (/^[ \t\r\n]*$/.test(s.slice(pos))) break;
  }
  if (s.slice(pos).replace(/^[ \t\r\n]+/, '')) throw new Error(`cannot tokenize template action at: ${s.slice(pos)}`);
  return tokens;
}

/** Single-character escapes of Go string literals. */
const GO_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/**
 * The value of a Go string literal token, as `strconv.Unquote` reads it: raw strings lose their CRs;
 * escapes `\a \b \f \n \r \t \v \\ \"`, `\xHH`, `\OOO`, `\uHHHH`, `\UHHHHHHHH` (no surrogates, at
 * most U+10FFFF). Byte escapes of 0x80 and above (not UTF-8 on their own) are not supported here.
 */
export function goUnquote(token: string): string {
  if (token.startsWith('`')) return token.slice(1, -1).replace(/\r/g, '');
  const body = token.slice(1, -1);
  return body.replace(
    /\\(?:([abfnrtv\\"])|x([0-9A-Fa-f]{2})|([0-7]{3})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([\s\S]))/g,
    (_m, c, x, o, u, U, bad) => {
      if (c) return GO_ESCAPES[c];
      if (bad !== undefined) throw new Error(`template: invalid escape \\${bad} in ${token}`);
      const code = parseInt(x ?? o ?? u ?? U, x || u || U ? 16 : 8);
      if ((x || o) && code >= 0x80) throw new Error(`template: byte escape above 0x7f in ${token} (not supported by the evaluator)`);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Error(`template: invalid Unicode escape in ${token}`);
      return String.fromCodePoint(code);
    },
  );
}

/** Go's `strings.TrimSpace` (Unicode White_Space; unlike JavaScript's trim, not U+FEFF). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

/** Whether `m` has its own key `k` (never a prototype member such as `constructor`). */
const hasKey = (m: unknown, k: string) => m !== null && typeof m === 'object' && Object.prototype.hasOwnProperty.call(m, k);

const truthy = (v: unknown) =>
  !(v === undefined || v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0));

const FUNCS: Record<string, (...args: any[]) => unknown> = {
  // Go's index of a missing map key is the element's zero value: "" for ESO's map[string]string.
  index: (m: any, k: string) => (hasKey(m, k) ? m[k] : m !== null && typeof m === 'object' && !Array.isArray(m) ? '' : undefined),
  not: (v: unknown) => !truthy(v),
  and: (...vs: unknown[]) => vs.find((v) => !truthy(v)) ?? vs[vs.length - 1],
  or: (...vs: unknown[]) => vs.find((v) => truthy(v)) ?? vs[vs.length - 1],
  fail: (msg: string) => {
    throw new Error(`fail: ${msg}`);
  },
  b64enc: (s: string) => Buffer.from(String(s), 'utf8').toString('base64'),
  trim: (s: string) => String(s).replace(GO_TRIM, ''),
  // Go's json.Marshal also escapes <, >, &, U+2028 and U+2029.
  toJson: (v: unknown) => JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  fromYaml: (s: string) => YAML.parse(String(s)) ?? {},
};

function evalPipeline(src: string, dot: unknown): unknown {
  const tokens = tokenize(src);
  let i = 0;
  const operand = (): unknown => {
    const tok = tokens[i++];
    if (tok === '(') {
      const v = pipeline();
      if (tokens[i++] !== ')') throw new Error('missing )');
      return v;
    }
    if (tok === '.') return dot;
    if (tok.startsWith('.')) {
      const key = tok.slice(1);
      if (!hasKey(dot, key)) throw new Error(`map has no entry for key "${key}"`);
      return (dot as any)[key];
    }
    if (tok.startsWith('"') || tok.startsWith('`')) return goUnquote(tok);
    throw new Error(`unexpected token ${tok}`);
  };
  const command = (piped: unknown[]): unknown => {
    const tok = tokens[i];
    if (/^[A-Za-z_]/.test(tok)) {
      i++;
      const fn = FUNCS[tok];
      if (!fn) throw new Error(`function "${tok}" not defined in the test evaluator`);
      const args: unknown[] = [];
      while (i < tokens.length && tokens[i] !== '|' && tokens[i] !== ')') args.push(operand());
      return fn(...args, ...piped);
    }
    const v = operand();
    if (piped.length) throw new Error('cannot pipe into a value');
    return v;
  };
  const pipeline = (): unknown => {
    let v = command([]);
    while (tokens[i] === '|') {
      i++;
      v = command([v]);
    }
    return v;
  };
  const v = pipeline();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${src}`);
  return v;
}

function run(nodes: Node[], dot: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.v;
    else if (n.t === 'action') {
      const v = evalPipeline(n.pipe, dot);
      if (v === undefined || v === null) out += '<no value>';
      else out += typeof v === 'string' ? v : String(v);
    } else {
      const v = evalPipeline(n.pipe, dot);
      if (n.t === 'if') out += run(truthy(v) ? n.body : n.otherwise, dot);
      else if (n.t === 'with') out += truthy(v) ? run(n.body, v) : run(n.otherwise, dot);
      else if (Array.isArray(v) && v.length) out += v.map((item) => run(n.body, item)).join('');
      else if (v !== undefined && v !== null && !Array.isArray(v)) throw new Error('range over a non-list');
      else out += run(n.otherwise, dot);
    }
  }
  return out;
}

/** Renders an ESO v2 template against data (a map of strings, like ESO's template input). */
export function renderGoTemplate(template: string, data: Record<string, string>): string {
  return run(parse(template), data);
}
