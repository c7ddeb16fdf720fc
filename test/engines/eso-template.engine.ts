/**
 * External Secrets' real template engine (Go text/template + ESO's function map, built from
 * `test/engines/eso-template`) in the loop: hostile text in every user field renders literally,
 * the `config` key is correct Argo CD JSON, and the JavaScript evaluator the jest suite uses agrees
 * with Go on the cases that matter. Run with `npm run test:engines`; fails when Go is missing.
 */
import * as fc from 'fast-check';
import { SERVICE_ACCOUNT_TOKEN_TEMPLATE, argoClusterConfigTemplate } from '../../src/registration/templates';
import { goStringLiteral, literalTemplateText } from '../../src/registration/template-literal';
import { renderGoTemplate } from '../go-template';
import {
  INJECTIONS,
  ITEM,
  RenderedSecret,
  expectLiteral,
  hostileExternalSecret,
  hostileInputs,
  hostileText,
} from '../registration/hostile-registration';
import { EsoTemplateResult, esoTemplateEngine, renderOneWithEso, renderWithEso } from './eso-template';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const SEED = process.env.PROPERTY_RUNS ? {} : { seed: 20260509 };
/** How many arbitrary strings go through the engine in one batch. */
const BATCH = Number(process.env.ENGINE_BATCH ?? 3000);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The rendered Secret as text (throws on the engine's error or on bytes that are not UTF-8). */
function secretOf(r: EsoTemplateResult): RenderedSecret {
  if (r.error !== undefined) throw new Error(`ESO would refuse the template: ${r.error}`);
  const data = Object.fromEntries(Object.entries(r.data ?? {}).map(([k, v]) => [k, strictUtf8.decode(v)]));
  return { data, labels: r.labels ?? {}, annotations: r.annotations ?? {} };
}

/** A template of data values only (keys k0, k1, ...). */
const dataTemplate = (values: readonly string[]) => ({ engineVersion: 'v2', data: Object.fromEntries(values.map((v, n) => [`k${n}`, v])) });

beforeAll(() => {
  esoTemplateEngine(); // builds once (cached); throws with install advice when go is missing
}, 600_000);

describe('the engine is ESO v2.9.0', () => {
  test('metadata values are templates over the item, keys are not; data is the rendered bytes', () => {
    const r = renderOneWithEso({
      template: {
        engineVersion: 'v2',
        type: 'Opaque',
        metadata: { labels: { '{{ x }}': 'v' }, annotations: { leak: '{{ index . "client-key" }}' } },
        data: { name: 'n', config: '{{ index . "kubeconfig" | b64enc }}' },
      },
      data: ITEM,
    });
    expect(r.error).toBeUndefined();
    expect(r.type).toBe('Opaque');
    expect(r.labels).toEqual({ '{{ x }}': 'v' });
    expect(r.annotations).toEqual({ leak: ITEM['client-key'] });
    expect(r.data!.name.toString()).toBe('n');
    expect(r.data!.config.toString()).toBe(Buffer.from(ITEM.kubeconfig).toString('base64'));
  });

  test('execution errors name the key and stop the whole template (the Secret is not written)', () => {
    const fail = renderOneWithEso({
      template: { metadata: { annotations: { a: 'ok', b: '{{ fail "boom" }}' } }, data: { x: 'y' } },
      data: ITEM,
    });
    expect(fail).toEqual({
      error:
        'could not apply template: could not execute template: could not execute template: unable to execute template at key b: ' +
        'unable to execute template at key b: template: b:1:3: executing "b" at <fail "boom">: error calling fail: boom',
    });
    const missing = renderOneWithEso({ template: { data: { x: '{{ .nope }}' } }, data: ITEM });
    expect(missing.error).toMatch(/at key x: .*map has no entry for key "nope"$/);
  });

  test('env, expandenv and getHostByName are removed; sprig and ESO functions are present', () => {
    for (const fn of ['env "HOME"', 'expandenv "$HOME"', 'getHostByName "localhost"']) {
      const r = renderOneWithEso({ template: dataTemplate([`{{ ${fn} }}`]), data: ITEM });
      expect(r.error).toMatch(
        new RegExp(`unable to parse template at key k0: template: k0:1: function "${fn.split(' ')[0]}" not defined$`),
      );
    }
    const ok = renderOneWithEso({
      template: dataTemplate(['{{ "a" | sha512sum | trunc 8 }}', '{{ hexdec "6869" }}', '{{ (fromYaml "a: 1").a }}']),
      data: ITEM,
    });
    expect(ok.error).toBeUndefined();
    expect(Object.values(ok.data!).map(String)).toEqual(['1f40fc92', 'hi', '1']);
  });
});

describe('literal template text through the real engine', () => {
  test('every injection fragment and a batch of arbitrary strings render to themselves', () => {
    const inputs = [...INJECTIONS, ...fc.sample(hostileText, { numRuns: BATCH, ...SEED })];
    const [r] = renderWithEso([{ template: dataTemplate(inputs.map(literalTemplateText)), data: ITEM }]);
    expect(r.error).toBeUndefined();
    inputs.forEach((s, n) => expect(r.data![`k${n}`].equals(Buffer.from(s, 'utf8'))).toBe(true));
  });

  test('goStringLiteral: Go reads the same string back', () => {
    const inputs = [...INJECTIONS, ...fc.sample(hostileText, { numRuns: 500, ...SEED })];
    const [r] = renderWithEso([{ template: dataTemplate(inputs.map((s) => `{{ ${goStringLiteral(s)} }}`)), data: ITEM }]);
    expect(r.error).toBeUndefined();
    inputs.forEach((s, n) => expect(r.data![`k${n}`].toString('utf8')).toBe(s));
  });

  test('property: hostile declaration and site fields render literally; config is the Argo CD JSON', () => {
    fc.assert(
      fc.property(hostileInputs, (i) => {
        const es = hostileExternalSecret(i);
        expectLiteral(i, es, secretOf(renderOneWithEso({ template: es.spec.target.template, data: ITEM })));
      }),
      { numRuns: RUNS, ...SEED },
    );
  });
});

describe('project templates through the real engine', () => {
  test('config: certificate and bearer-token JSON; a missing credential fails the template', () => {
    const cert = argoClusterConfigTemplate('clientCertificate', 'demo-kubeconfig');
    const bearer = argoClusterConfigTemplate('bearerToken', 'demo-kubeconfig');
    const token = 'eyJ<a>&b\u2028"\\.sig\n';
    const [c, b, missing] = renderWithEso([
      { template: dataTemplate([cert]), data: ITEM },
      { template: dataTemplate([bearer]), data: { ...ITEM, token } },
      { template: dataTemplate([cert]), data: { ...ITEM, 'client-key': '' } },
    ]);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(JSON.parse(c.data!.k0.toString())).toEqual({
      tlsClientConfig: {
        insecure: false,
        caData: b64(ITEM['certificate-authority']),
        certData: b64(ITEM['client-certificate']),
        keyData: b64(ITEM['client-key']),
      },
    });
    expect(JSON.parse(b.data!.k0.toString())).toEqual({
      bearerToken: token.trim(),
      tlsClientConfig: { insecure: false, caData: b64(ITEM['certificate-authority']) },
    });
    expect(b.data!.k0.toString()).toBe(renderGoTemplate(bearer, { ...ITEM, token }));
    expect(missing.error).toMatch(
      /error calling fail: item demo-kubeconfig lacks one of the fields certificate-authority, client-certificate, client-key;/,
    );
  });

  test('PushSecret token template: the first user token of the kubeconfig, as the evaluator says', () => {
    const kubeconfig = 'apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    token: tok-1\n- name: b\n  user:\n    token: tok-2\n';
    const [r] = renderWithEso([
      {
        template: { engineVersion: 'v2', mergePolicy: 'Merge', data: { token: SERVICE_ACCOUNT_TOKEN_TEMPLATE } },
        data: { config: kubeconfig },
      },
    ]);
    expect(r.data!.token.toString()).toBe(renderGoTemplate(SERVICE_ACCOUNT_TOKEN_TEMPLATE, { config: kubeconfig }));
    expect(r.data!.config.toString()).toBe(kubeconfig);
  });
});

describe('the JavaScript evaluator agrees with Go', () => {
  /** Templates where text and actions meet: trim markers, comments, quotes, escapes, missing keys. */
  const CASES = [
    'a  {{- "b" }}  c',
    'a  {{ "b" -}} \n c',
    'a\t{{- "b" -}}\r\nc',
    'a {{-"b"}} c',
    'a {{/* x }} */}} b',
    'a {{- /* x */ -}} b',
    '{{ "}}" }}{{ `}}` }}',
    '{{ "\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\x41\\101\\u00e9\\U0001F600" }}',
    '{{ `a\r\nb` }}',
    '[{{ index . "nope" }}]',
    '{{ index . "client-key" | b64enc }}',
    '{{ " x\u00a0\u2028\\n" | trim }}|{{ "\ufeffx" | trim }}',
    '{{ "<&>\u2028" | toJson }}',
    '{{ if not (index . "token") }}none{{ else }}some{{ end }}',
    '{{ "{{" }}{{"{{"}}{',
    '}}{{"{{"}}}}',
    '{{ .nope }}',
    '{{ "a\nb" }}',
    '{{ "\\ud800" }}',
    '{{ "\\/" }}',
    '{{ (index . "x" }}',
    'x {{',
    '{{/* open',
  ];

  test.each(CASES)('%j', (template) => {
    const [go] = renderWithEso([{ template: dataTemplate([template]), data: ITEM }]);
    let js: string | Error;
    try {
      js = renderGoTemplate(template, ITEM);
    } catch (e) {
      js = e as Error;
    }
    if (go.error !== undefined) expect(js).toBeInstanceOf(Error);
    else expect(js).toBe(go.data!.k0.toString('utf8'));
  });
});
