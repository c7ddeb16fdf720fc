/**
 * No user string is executable in the cluster ExternalSecret's template: hostile text in every
 * user field that reaches it renders literally (JavaScript evaluator here; the real Go engine in
 * `npm run test:engines`), and text no Secret can hold is refused with the field named.
 */
import * as fc from 'fast-check';
import { renderGoTemplate } from '../go-template';
import { platform, render } from '../util';
import {
  ITEM,
  SANDBOX,
  expectLiteral,
  hostileDeclaration,
  hostileExternalSecret,
  hostileInputs,
  hostilePlatform,
} from './hostile-registration';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const SEED = process.env.PROPERTY_RUNS ? {} : { seed: 20260508 };

const renderAll = (templates: Record<string, string>) =>
  Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, renderGoTemplate(v, ITEM)]));

/** Fixed inputs with the injections the attack used. */
const ATTACK = {
  environment: 'production',
  clusterLabel: 'media',
  clusterAnnotation: '{{ index . "client-key" }}',
  overridingAnnotation: '{{ fail "x" }}',
  workloadRepo: { url: 'https://example.com/{{index."client-key"}}', path: '{{-', revision: '}}{{' },
  siteRepo: { url: 'https://example.com/site', basePath: '{{/*', path: 'p', revision: 'main' },
  siteLabel: 'site',
  siteAnnotation: '{{- .kubeconfig -}}',
};

describe('cluster ExternalSecret template: user text is literal', () => {
  test('the private-key injection renders as text, and its template text is exact', () => {
    // GIVEN a declaration annotation that would copy the private key
    const es = hostileExternalSecret(ATTACK);
    const tpl = es.spec.target.template;
    // THEN the template holds it escaped, the ExternalSecret's own metadata holds it as written
    expect(tpl.metadata.annotations['example.com/note']).toBe('{{"{{"}} index . "client-key" }}');
    expect(es.metadata.annotations!['example.com/note']).toBe('{{ index . "client-key" }}');
    expect(tpl.metadata.annotations.workload_repo_revision).toBe('}}{{"{{"}}');
    // AND rendering gives back the text, never the key
    const annotations = renderAll(tpl.metadata.annotations);
    expect(annotations['example.com/note']).toBe('{{ index . "client-key" }}');
    expect(Object.values(annotations).join('\n')).not.toContain('PRIVATE KEY');
    expectLiteral(ATTACK, es, { data: renderAll(tpl.data), labels: renderAll(tpl.metadata.labels), annotations });
  });

  test('property: every label, annotation, name and server renders to the literal input; config stays correct', () => {
    fc.assert(
      fc.property(hostileInputs, (i) => {
        const es = hostileExternalSecret(i);
        const tpl = es.spec.target.template;
        expectLiteral(i, es, {
          data: renderAll(tpl.data),
          labels: renderAll(tpl.metadata.labels),
          annotations: renderAll(tpl.metadata.annotations),
        });
      }),
      { numRuns: RUNS, ...SEED },
    );
  });
});

describe('text without a UTF-8 form is refused, naming the field', () => {
  test('a declaration annotation value', () => {
    const spec = { ...SANDBOX, argocd: { clusterAnnotations: { note: 'a\uD800' } } };
    expect(() => render(spec, platform)).toThrow(
      /argocd\.clusterAnnotations\["note"\]: "a\\ud800" is not allowed\. Allowed: text without unpaired UTF-16 surrogates/,
    );
  });

  test('a workload repository field', () => {
    const spec = { ...SANDBOX, argocd: { workloadRepo: { url: 'https://example.com/\uDC00', revision: 'v\uD800' } } };
    expect(() => render(spec, platform)).toThrow(
      /argocd\.workloadRepo\.url: .*Allowed: text without unpaired[\s\S]*argocd\.workloadRepo\.revision: /,
    );
  });

  test('a site annotation convention', () => {
    const site = hostilePlatform({ ...ATTACK, siteAnnotation: '\uDFFF' });
    expect(() => render(hostileDeclaration(ATTACK), site)).toThrow(
      /annotations\["site_note"\]: "\\udfff" is not allowed\. Allowed: text without unpaired/,
    );
  });
});
