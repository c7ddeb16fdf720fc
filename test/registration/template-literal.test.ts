/**
 * literalTemplateText: any string becomes ESO v2 template text that renders exactly that string.
 * Checked here with the JavaScript evaluator (`test/go-template.ts`, whose lexing follows Go's);
 * `npm run test:engines` checks the same with External Secrets' real Go engine.
 */
import * as fc from 'fast-check';
import { Problems } from '../../src/validation';
import {
  checkTemplateText,
  goStringLiteral,
  hasUnpairedSurrogate,
  literalTemplateText,
  literalTemplateValues,
} from '../../src/registration/template-literal';
import { goUnquote, renderGoTemplate } from '../go-template';
import { INJECTIONS, ITEM, hostileText } from './hostile-registration';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const SEED = process.env.PROPERTY_RUNS ? {} : { seed: 20260507 };

describe('literalTemplateText', () => {
  test('text without "{{" is returned unchanged (the common case; keeps dist/ byte-identical)', () => {
    for (const s of ['', 'vcluster-media', 'https://media.integratn.tech:443', 'a}}b', '{ {', '"\\`\n', '\u{1F600}', 'x{']) {
      expect(literalTemplateText(s)).toBe(s);
    }
  });

  test('every "{{" becomes the action {{"{{"}}, leftmost first', () => {
    expect(literalTemplateText('{{ index . "client-key" }}')).toBe('{{"{{"}} index . "client-key" }}');
    expect(literalTemplateText('{{')).toBe('{{"{{"}}');
    expect(literalTemplateText('{{{')).toBe('{{"{{"}}{');
    expect(literalTemplateText('{{{{')).toBe('{{"{{"}}{{"{{"}}');
    expect(literalTemplateText('a{{- x -}}b')).toBe('a{{"{{"}}- x -}}b');
  });

  test('renders to exactly the input: injection fragments', () => {
    for (const s of INJECTIONS) expect(renderGoTemplate(literalTemplateText(s), ITEM)).toBe(s);
  });

  test('property: renders to exactly the input for arbitrary text', () => {
    fc.assert(
      fc.property(hostileText, (s) => renderGoTemplate(literalTemplateText(s), ITEM) === s),
      { numRuns: RUNS, ...SEED },
    );
  });

  test('the same text unescaped is executed (the property above can fail)', () => {
    expect(renderGoTemplate('{{ index . "client-key" }}', ITEM)).toBe(ITEM['client-key']);
    expect(() => renderGoTemplate('{{ fail "x" }}', ITEM)).toThrow(/fail: x/);
    expect(renderGoTemplate('a {{- "b" -}} c', ITEM)).toBe('abc');
  });

  test('throws on an unpaired surrogate (validation refuses it first)', () => {
    expect(() => literalTemplateText('a\uD800')).toThrow(RangeError);
    expect(() => literalTemplateText('\uDC00{{')).toThrow(/unpaired UTF-16 surrogate/);
  });

  test('literalTemplateValues escapes values, never keys', () => {
    expect(literalTemplateValues({ '{{k}}': '{{v}}', plain: 'x' })).toEqual({ '{{k}}': '{{"{{"}}v}}', plain: 'x' });
  });
});

describe('hasUnpairedSurrogate / checkTemplateText', () => {
  test('finds unpaired surrogates only', () => {
    expect(hasUnpairedSurrogate('\u{1F600}')).toBe(false);
    expect(hasUnpairedSurrogate('plain')).toBe(false);
    expect(hasUnpairedSurrogate('x\uD83D')).toBe(true);
    expect(hasUnpairedSurrogate('\uDE00x')).toBe(true);
    expect(hasUnpairedSurrogate('\uDE00\uD83D')).toBe(true);
  });

  test('reports a string or each map value, naming the field', () => {
    const p = new Problems();
    expect(checkTemplateText(p, 'server', 'https://x\uD800')).toBe(false);
    expect(checkTemplateText(p, 'annotations', { ok: 'fine', bad: '\uDC00' })).toBe(false);
    expect(checkTemplateText(p, 'annotations', { ok: 'fine' })).toBe(true);
    expect(checkTemplateText(p, 'other', 3)).toBe(true);
    expect(() => p.throwIfAny('test')).toThrow(
      /server: .*is not allowed[\s\S]*annotations\["bad"\]: .*is not allowed. Allowed: text without unpaired/,
    );
  });
});

describe('goStringLiteral', () => {
  test('property: Go reads back exactly the input (escapes Go accepts)', () => {
    fc.assert(
      fc.property(hostileText, (s) => goUnquote(goStringLiteral(s)) === s && renderGoTemplate(`{{ ${goStringLiteral(s)} }}`, ITEM) === s),
      { numRuns: RUNS, ...SEED },
    );
  });

  test('throws on an unpaired surrogate (Go rejects \\ud800)', () => {
    expect(() => goStringLiteral('\uD800')).toThrow(RangeError);
    expect(() => goUnquote('"\\ud800"')).toThrow(/invalid Unicode escape/);
  });
});

describe('the evaluator follows Go where text and actions meet', () => {
  test('trim markers need a space; comments vanish; quotes may hold "}}"', () => {
    expect(renderGoTemplate('a  {{- "b" }}  c', ITEM)).toBe('ab  c');
    expect(renderGoTemplate('a  {{ "b" -}} \n c', ITEM)).toBe('a  bc');
    expect(renderGoTemplate('a {{/* x }} */}} b', ITEM)).toBe('a  b');
    expect(renderGoTemplate('{{ "}}" }}{{ `}}` }}', ITEM)).toBe('}}}}');
    expect(() => renderGoTemplate('{{-3}}', ITEM)).toThrow();
    expect(() => renderGoTemplate('{{ "a', ITEM)).toThrow(/unterminated quoted string/);
    expect(() => renderGoTemplate('{{ "a\nb" }}', ITEM)).toThrow(/unterminated quoted string/);
    expect(() => renderGoTemplate('x {{', ITEM)).toThrow(/unclosed action/);
  });

  test('string literals unquote as Go does', () => {
    expect(goUnquote('"\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\x41\\101\\u00e9\\U0001F600"')).toBe('\x07\b\f\n\r\t\v\\"AA\u00e9\u{1F600}');
    expect(goUnquote('`a\r\nb`')).toBe('a\nb');
    expect(() => goUnquote('"\\\'"')).toThrow(/invalid escape/);
    expect(() => goUnquote('"\\/"')).toThrow(/invalid escape/);
  });

  test('index of a missing field is empty; .field of a missing field fails; no prototype members', () => {
    expect(renderGoTemplate('[{{ index . "nope" }}]', ITEM)).toBe('[]');
    expect(renderGoTemplate('[{{ index . "constructor" }}]', ITEM)).toBe('[]');
    expect(() => renderGoTemplate('{{ .nope }}', ITEM)).toThrow(/map has no entry for key "nope"/);
  });
});
