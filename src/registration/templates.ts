/**
 * The External Secrets v2 (Go template) texts of the registration: the Argo CD cluster `config`
 * built from the password-manager item and the PushSecret template of a token kubeconfig. User
 * text that reaches a template goes through `template-literal.ts`.
 */
import { KUBECONFIG_ITEM_FIELDS } from '../naming';
import { goStringLiteral } from './template-literal';
import type { ClusterCredentials } from '../vcluster/ivcluster';

/**
 * The ESO v2 (Go template) text of the Argo CD cluster `config` for the given credentials. It reads
 * the item fields {@link KUBECONFIG_ITEM_FIELDS} (PEM text) and fails when one it needs is empty.
 * @param item the item title, for the failure message
 */
export function argoClusterConfigTemplate(credentials: ClusterCredentials, item: string): string {
  const f = KUBECONFIG_ITEM_FIELDS;
  const field = (name: string) => `(index . ${goStringLiteral(name)})`;
  const guard = (needed: string[]) =>
    `{{ if not (and ${needed.map(field).join(' ')}) }}` +
    `{{ fail ${goStringLiteral(`item ${item} lacks one of the fields ${needed.join(', ')}; refusing to register the cluster without credentials`)} }}` +
    '{{ end }}';
  const b64 = (name: string) => `{{ index . ${goStringLiteral(name)} | b64enc }}`;
  if (credentials === 'bearerToken') {
    return (
      guard([f.certificateAuthority, f.token]) +
      `{"bearerToken":{{ index . ${goStringLiteral(f.token)} | trim | toJson }},` +
      `"tlsClientConfig":{"insecure":false,"caData":"${b64(f.certificateAuthority)}"}}`
    );
  }
  return (
    guard([f.certificateAuthority, f.clientCertificate, f.clientKey]) +
    `{"tlsClientConfig":{"insecure":false,"caData":"${b64(f.certificateAuthority)}",` +
    `"certData":"${b64(f.clientCertificate)}","keyData":"${b64(f.clientKey)}"}}`
  );
}

/**
 * PushSecret template (ESO v2) producing the `token` key of a service-account kubeconfig: the
 * chart's Secret has no such key, only the kubeconfig whose user carries `token`. Renders empty
 * when there is none, which the registration's `config` template then refuses.
 */
export const SERVICE_ACCOUNT_TOKEN_TEMPLATE =
  '{{ range (index (fromYaml .config) "users") }}{{ with index . "user" }}{{ with index . "token" }}{{ . }}{{ end }}{{ end }}{{ end }}';
