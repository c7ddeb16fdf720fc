/**
 * Literal text for External Secrets (ESO) v2 templates: any string, emitted so that the template
 * engine prints exactly that string and executes nothing of it.
 *
 * What ESO v2.9.0 executes (`runtime/template/v2/template.go`, `pkg/controllers/templating/parser.go`,
 * `pkg/controllers/externalsecret/externalsecret_controller_template.go`):
 * - every VALUE of `spec.target.template.data`, `.metadata.labels` and `.metadata.annotations` is
 *   parsed as its own Go `text/template` (`Option("missingkey=error")`, sprig functions minus `env`,
 *   `expandenv` and `getHostByName`, plus ESO's own) and executed with the store item's fields as a
 *   `map[string]string`; so a user string there can read every field, the private key included;
 * - map KEYS are not templated (a key only names the template);
 * - the rendered bytes are used as they are (decoding strategy `None`);
 * - the delimiters are `{{` and `}}` unless the controller runs with `--template-left-delimiter` /
 *   `--template-right-delimiter`; this module assumes the defaults, like every template of this project.
 *
 * The scheme (the simplest one that can be proven from Go's lexer, `text/template/parse/lex.go`):
 * 1. Go's lexer copies everything up to the next `{{` verbatim into a text node; `}}`, quotes,
 *    backslashes, newlines and any other character mean nothing outside an action. Only trim
 *    markers change text: a `{{- ` right after it or a ` -}}` right before it.
 * 2. So a string without `{{` is already literal and stays as it is (the common case, and what
 *    keeps existing output byte-identical).
 * 3. Otherwise each `{{` becomes the action `{{"{{"}}`, which prints the string constant `{{`. It
 *    starts with `{{"` and ends with `"}}`: neither a trim marker nor a comment (`{{/*`), so the
 *    text around it is not trimmed. The text between two replaced `{{` contains no `{{`, and it
 *    cannot end in `{` (the search is leftmost-first, so `{{{` splits as `{{` + `{`): no new `{{`
 *    appears where a text piece meets an inserted action.
 * Nothing of the input is ever inside an action, so no escaping of quotes, backslashes, control or
 * non-BMP characters is needed at all.
 *
 * Strings with unpaired UTF-16 surrogates are refused ({@link hasUnpairedSurrogate}): they have no
 * UTF-8 form, so no Secret can hold them (a YAML writer emits `\ud800`, which Go's YAML parser
 * rejects; a UTF-8 encoder turns them into U+FFFD). Validation refuses them with a clear message;
 * the functions here throw as a last guard rather than render something else.
 */

import { Problems, isPlainObject } from '../validation';

/** ESO's default left template delimiter. */
const LEFT_DELIM = '{{';

/** An action printing the left delimiter: `{{` + the Go string constant `"{{"` + `}}`. */
const LEFT_DELIM_ACTION = '{{"{{"}}';

/** Matches an unpaired UTF-16 surrogate (with the `u` flag, a paired one is one code point). */
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;

/** What validation messages say a template-bound string must be. */
export const TEMPLATE_TEXT_EXPECTATION = 'text without unpaired UTF-16 surrogates (they have no UTF-8 form, so no Secret can hold them)';

/**
 * Whether a string holds an unpaired UTF-16 surrogate (e.g. `"\uD800"` alone), which no UTF-8
 * text (a YAML file, a Kubernetes object) can represent. Validation refuses such strings wherever
 * they would reach a template ({@link TEMPLATE_TEXT_EXPECTATION}).
 */
export function hasUnpairedSurrogate(value: string): boolean {
  return UNPAIRED_SURROGATE.test(value);
}

/**
 * Reports a string, or each string value of a map (as `field["key"]`), that holds an unpaired
 * surrogate and so cannot become template text. Other shapes are left to the field's own check.
 */
export function checkTemplateText(problems: Problems, field: string, value: unknown): boolean {
  if (typeof value === 'string') return hasUnpairedSurrogate(value) ? problems.add(field, value, TEMPLATE_TEXT_EXPECTATION) : true;
  if (!isPlainObject(value)) return true;
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') ok = checkTemplateText(problems, `${field}[${JSON.stringify(key)}]`, v) && ok;
  }
  return ok;
}

/**
 * ESO v2 template text that renders exactly `value` and nothing else: unchanged when it holds no
 * `{{`, else every `{{` replaced by the action `{{"{{"}}` (see the module comment for the proof).
 * @example literalTemplateText('{{ index . "client-key" }}') === '{{"{{"}} index . "client-key" }}'
 * @throws RangeError when `value` holds an unpaired surrogate (validation refuses those first)
 */
export function literalTemplateText(value: string): string {
  if (hasUnpairedSurrogate(value)) throw new RangeError(`unpaired UTF-16 surrogate in template text ${JSON.stringify(value)}`);
  return value.includes(LEFT_DELIM) ? value.split(LEFT_DELIM).join(LEFT_DELIM_ACTION) : value;
}

/** A label or annotation map with every VALUE made {@link literalTemplateText} (keys are not templated). */
export function literalTemplateValues(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, literalTemplateText(value)]));
}

/**
 * A Go string literal (for use inside an action, e.g. `{{ fail "…" }}`) whose value is `value`.
 * `JSON.stringify` is one for every string without unpaired surrogates: it writes `\"`, `\\`,
 * `\b`, `\f`, `\n`, `\r`, `\t` and `\u00XX` for the other control characters, all of which Go's
 * `strconv.Unquote` reads back the same, and every other character as itself (valid UTF-8 once
 * written). Go rejects surrogate escapes such as `\ud800`, hence the guard.
 * @throws RangeError when `value` holds an unpaired surrogate
 */
export function goStringLiteral(value: string): string {
  if (hasUnpairedSurrogate(value)) throw new RangeError(`unpaired UTF-16 surrogate in Go string literal ${JSON.stringify(value)}`);
  return JSON.stringify(value);
}
