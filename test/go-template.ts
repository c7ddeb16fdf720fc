/**
 * A tiny evaluator for the subset of Go text/template (plus the sprig/ESO functions) that the
 * ExternalSecret and PushSecret templates of this project use, so tests can render them with sample
 * values: literal text, `{{ pipeline }}`, `if`/`else`/`end`, `with`, `range`, `.`, `.key`, string
 * literals, parentheses, pipes, and the functions `index`, `not`, `and`, `or`, `fail`, `b64enc`,
 * `trim`, `toJson`, `fromYaml`. Anything else throws, so a template using more fails the test.
 */
import * as YAML from 'yaml';

type Node =
  { t: 'text'; v: string } | { t: 'action'; pipe: string } | { t: 'if' | 'with' | 'range'; pipe: string; body: Node[]; otherwise: Node[] };

function parse(src: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node?: Extract<Node, { body: Node[] }>; list: Node[]; inElse: boolean }> = [{ list: root, inElse: false }];
  const re = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const top = stack[stack.length - 1];
    if (m.index > last) top.list.push({ t: 'text', v: src.slice(last, m.index) });
    last = re.lastIndex;
    const body = m[1];
    const kw = /^(if|with|range|else|end)\b\s*([\s\S]*)$/.exec(body);
    if (!kw) {
      top.list.push({ t: 'action', pipe: body });
    } else if (kw[1] === 'end') {
      stack.pop();
    } else if (kw[1] === 'else') {
      top.inElse = true;
      top.list = top.node!.otherwise;
    } else {
      const node = { t: kw[1] as 'if', pipe: kw[2], body: [] as Node[], otherwise: [] as Node[] };
      top.list.push(node);
      stack.push({ node, list: node.body, inElse: false });
    }
  }
  if (last < src.length) stack[stack.length - 1].list.push({ t: 'text', v: src.slice(last) });
  if (stack.length !== 1) throw new Error('unbalanced template blocks');
  return root;
}

function tokenize(s: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\(|\)|\||\.[A-Za-z_][A-Za-z0-9_]*|\.|[A-Za-z_][A-Za-z0-9_]*)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < s.length && (m = re.exec(s))) {
    tokens.push(m[1]);
    pos = re.lastIndex;
    if (/^\s*$/.test(s.slice(pos))) break;
  }
  if (s.slice(pos).trim()) throw new Error(`cannot tokenize template action at: ${s.slice(pos)}`);
  return tokens;
}

const truthy = (v: unknown) =>
  !(v === undefined || v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0));

const FUNCS: Record<string, (...args: any[]) => unknown> = {
  index: (m: any, k: string) => (m === null || m === undefined ? undefined : m[k]),
  not: (v: unknown) => !truthy(v),
  and: (...vs: unknown[]) => vs.find((v) => !truthy(v)) ?? vs[vs.length - 1],
  or: (...vs: unknown[]) => vs.find((v) => truthy(v)) ?? vs[vs.length - 1],
  fail: (msg: string) => {
    throw new Error(`fail: ${msg}`);
  },
  b64enc: (s: string) => Buffer.from(String(s), 'utf8').toString('base64'),
  trim: (s: string) => String(s).trim(),
  toJson: (v: unknown) => JSON.stringify(v),
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
      if (dot === null || dot === undefined || typeof dot !== 'object' || !(key in (dot as object)))
        throw new Error(`map has no entry for key "${key}"`);
      return (dot as any)[key];
    }
    if (tok.startsWith('"')) return JSON.parse(tok);
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
