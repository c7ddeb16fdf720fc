/**
 * A stand-in for helm in tests (no helm needed): `template RELEASE CHART ...` prints the chart's
 * config Secret with the values from stdin and a control plane StatefulSet labelled with the chart
 * file; values containing "fail" make it fail like a schema error. Each call is logged.
 */
import * as fs from 'fs';
import * as path from 'path';

const SCRIPT = `#!/bin/sh
set -e
dir=$(dirname "$0")
echo "$*" >> "$dir/calls.log"
[ "$1" = template ] || { echo "Error: fake helm only templates" >&2; exit 1; }
release=$2
chart=$(basename "$3" .tgz)
values=$(cat)
case "$values" in *fail*) echo "Error: values don't meet the specifications of the schema(s) in the following chart(s):" >&2; echo "vcluster: additional properties 'fail' not allowed" >&2; exit 1;; esac
b64=$(printf '%s' "$values" | base64 | tr -d '\\n')
cat <<END
---
# Source: vcluster/templates/config-secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: vc-config-$release
data:
  config.yaml: $b64
---
# Source: vcluster/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: $release
  labels:
    chart: $chart
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: vcluster
        release: $release
    spec:
      containers:
        - name: syncer
          image: ghcr.io/loft-sh/vcluster-oss:0.31.3
END
`;

/** Writes the fake helm into `dir`; returns its path. */
export function writeFakeHelm(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'helm');
  fs.writeFileSync(file, SCRIPT, { mode: 0o755 });
  return file;
}

/** The calls the fake helm in `dir` got. */
export function helmCalls(dir: string): string[] {
  const log = path.join(dir, 'calls.log');
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

/** The YAML of a chart Application for a fixture dist. */
export function applicationYaml(name: string, version: string, values: object, retry = true): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: vcluster-${name}`,
    '  namespace: argocd',
    'spec:',
    '  destination:',
    `    namespace: ${name}`,
    '  source:',
    '    chart: vcluster',
    '    repoURL: https://charts.loft.sh',
    `    targetRevision: ${version}`,
    '    helm:',
    `      releaseName: ${name}`,
    `      valuesObject: ${JSON.stringify(values)}`,
    ...(retry ? ['  syncPolicy:', '    retry:', '      limit: 5'] : []),
    '',
  ].join('\n');
}

/** Writes a dist folder with one Application per vcluster. */
export function writeDist(dist: string, apps: Record<string, string>): void {
  for (const [name, yaml] of Object.entries(apps)) {
    fs.mkdirSync(path.join(dist, name, 'argocd'), { recursive: true });
    fs.writeFileSync(path.join(dist, name, 'argocd', `application-vcluster-${name}.yaml`), yaml);
  }
}
