/** PromQL builders: names become literals, whatever characters they hold. */
import { anyOf, indent, inObjectNamespace, quote, selector } from '../../src/monitoring/promql';

test('selector quotes values as PromQL strings', () => {
  expect(selector('up', ['job', '=', 'a"b\\c'], ['pod', '=~', 'x-[0-9]+'])).toBe('up{job="a\\"b\\\\c", pod=~"x-[0-9]+"}');
  expect(quote('plain')).toBe('"plain"');
});

test('anyOf escapes regular-expression characters', () => {
  expect(anyOf(['a.b', 'c+d', 'e'])).toBe('a\\.b|c\\+d|e');
  expect(new RegExp(`^(?:${anyOf(['a.b'])})$`).test('axb')).toBe(false);
});

test('inObjectNamespace matches either namespace label', () => {
  expect(inObjectNamespace('m', 'ns', ['name', '=', 'x'])).toBe('m{name="x", namespace="ns"}\nor\nm{name="x", exported_namespace="ns"}');
});

test('indent pads every line', () => {
  expect(indent('a\nb', 3)).toBe('   a\n   b');
});
