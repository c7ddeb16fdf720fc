/**
 * The Job strategy's sync script: POSIX sh, curl and jq, nothing installed at start.
 */
import { KUBECONFIG_ITEM_FIELDS, KUBECONFIG_SECRET_KEYS } from '../naming';

const f = KUBECONFIG_ITEM_FIELDS;

/**
 * The Job strategy's script (POSIX sh, curl, jq; nothing installed at start). It reads the
 * mounted kubeconfig Secret, refuses credentials other than those declared (never `insecure`),
 * finds the vault (the token item's `vault` field, `OP_TOKEN_VAULT`, by ID or name; when that is
 * empty, the platform's vault `OP_VAULT` by name), and creates (POST) or fully replaces (PUT) the
 * item.
 */
export const SYNC_SCRIPT = `set -eu
fail() { echo "kubeconfig-sync: $*" >&2; exit 1; }
dir=/kubeconfig
[ -s "$dir/${KUBECONFIG_SECRET_KEYS.config}" ] || fail "Secret $KUBECONFIG_SECRET has no kubeconfig (key ${KUBECONFIG_SECRET_KEYS.config})"
[ -s "$dir/${KUBECONFIG_SECRET_KEYS.certificateAuthority}" ] || fail "Secret $KUBECONFIG_SECRET has no ${KUBECONFIG_SECRET_KEYS.certificateAuthority}; refusing to register a cluster that cannot be verified"
cat "$dir/${KUBECONFIG_SECRET_KEYS.clientCertificate}" > /tmp/cert 2>/dev/null || : > /tmp/cert
cat "$dir/${KUBECONFIG_SECRET_KEYS.clientKey}" > /tmp/key 2>/dev/null || : > /tmp/key
sed -n 's/^[[:space:]]*token:[[:space:]]*//p' "$dir/${KUBECONFIG_SECRET_KEYS.config}" | head -n 1 | tr -d '\\r\\n' > /tmp/token
case "$CREDENTIALS" in
  clientCertificate)
    if [ ! -s /tmp/cert ] || [ ! -s /tmp/key ]; then
      fail "the kubeconfig in Secret $KUBECONFIG_SECRET has no client certificate and key (a service-account kubeconfig needs credentials bearerToken); not registering it insecurely"
    fi ;;
  bearerToken)
    [ -s /tmp/token ] || fail "the kubeconfig in Secret $KUBECONFIG_SECRET has no bearer token; not registering it insecurely" ;;
  *) fail "unknown CREDENTIALS: $CREDENTIALS" ;;
esac
api="\${OP_CONNECT_HOST%/}/v1"
printf 'Authorization: Bearer %s\\n' "$(printf '%s' "$OP_CONNECT_TOKEN" | tr -d '\\r\\n')" > /tmp/auth
call() {
  method=$1; path=$2; shift 2
  code=$(curl -sS --retry 3 -o /tmp/response -w '%{http_code}' -X "$method" -H @/tmp/auth -H 'Content-Type: application/json' "$@" "$api$path") || fail "$method $path: request failed"
  if [ "$code" -ge 400 ]; then cat /tmp/response >&2; fail "$method $path: HTTP $code"; fi
}
call GET /vaults
token_vault=$(printf '%s' "\${OP_TOKEN_VAULT:-}" | tr -d '\\r\\n')
if [ -n "$token_vault" ]; then
  vault=$(jq -r --arg v "$token_vault" '[.[] | select(.id == $v or .name == $v)][0].id // empty' /tmp/response)
  [ -n "$vault" ] || fail "vault not found: $token_vault (the vault field of the Connect token item)"
else
  vault=$(jq -r --arg name "$OP_VAULT" '[.[] | select(.name == $name)][0].id // empty' /tmp/response)
  [ -n "$vault" ] || fail "vault not found: $OP_VAULT"
fi
jq -n --arg title "$OP_ITEM_TITLE" --arg vault "$vault" --arg tags "$OP_ITEM_TAGS" --arg credentials "$CREDENTIALS" \\
  --rawfile kubeconfig "$dir/${KUBECONFIG_SECRET_KEYS.config}" --rawfile ca "$dir/${KUBECONFIG_SECRET_KEYS.certificateAuthority}" \\
  --rawfile cert /tmp/cert --rawfile key /tmp/key --rawfile token /tmp/token '
  def field($name; $value): {id: $name, "label": $name, type: "CONCEALED", value: $value};
  {title: $title, category: "SERVER", vault: {id: $vault}, tags: ($tags | split(",") | map(select(length > 0))),
   fields: ([field("${f.kubeconfig}"; $kubeconfig), field("${f.certificateAuthority}"; $ca)]
     + (if $credentials == "bearerToken" then [field("${f.token}"; $token)]
        else [field("${f.clientCertificate}"; $cert), field("${f.clientKey}"; $key)] end))}' > /tmp/item.json
call GET "/vaults/$vault/items"
item=$(jq -r --arg title "$OP_ITEM_TITLE" '[.[] | select(.title == $title)][0].id // empty' /tmp/response)
if [ -z "$item" ]; then
  call POST "/vaults/$vault/items" --data-binary @/tmp/item.json
  [ -n "$(jq -r '.id // empty' /tmp/response)" ] || fail "creating item $OP_ITEM_TITLE returned no id"
  echo "kubeconfig-sync: created item $OP_ITEM_TITLE"
else
  jq --arg id "$item" '. + {id: $id}' /tmp/item.json > /tmp/update.json
  call PUT "/vaults/$vault/items/$item" --data-binary @/tmp/update.json
  echo "kubeconfig-sync: replaced item $OP_ITEM_TITLE"
fi
`;
