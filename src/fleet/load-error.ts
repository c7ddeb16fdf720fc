/**
 * The one-line reason a file failed to load. Kept free of other imports: the loader thread
 * (./load-worker.ts) uses it too.
 */

/** One line saying why a file failed to load, with line and column when the compiler gave them. */
export function loadErrorMessage(e: unknown): string {
  // strip terminal colour codes (ESC [ ... m) that compilers put in their messages
  const text = (e instanceof Error ? e.message : String(e)).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // esbuild (tsx): "Transform failed with 1 error:\n/path/file.ts:2:43: ERROR: Expected identifier but found ..."
  for (const l of lines) {
    const m = /\.[cm]?[tj]sx?:(\d+):(\d+): ERROR: (.*)$/.exec(l);
    if (m) return `syntax error at line ${m[1]}, column ${m[2]}: ${m[3]}`;
  }
  // swc (jest): "  x Unexpected token ...\n   ,-[/path/file.ts:1:1]\n 2 | export ...\n   :   ^"
  const swc = lines.map((l) => /^(?:\w*Error:\s*)?[×x] (.*)$/.exec(l)).find((m) => m);
  if (swc) {
    const caret = lines.findIndex((l) => /^:\s*\^/.test(l));
    const line = caret > 0 ? /^(\d+) \|/.exec(lines[caret - 1])?.[1] : undefined;
    return `syntax error${line ? ` at line ${line}` : ''}: ${swc[1].trim()}`;
  }
  if (e instanceof SyntaxError) return `syntax error: ${lines[0] ?? ''}`;
  const first = lines.find((l) => !/:$/.test(l)) ?? lines[0] ?? '';
  return `${e instanceof Error && e.name !== 'Error' ? `${e.name}: ` : ''}${first}`;
}
