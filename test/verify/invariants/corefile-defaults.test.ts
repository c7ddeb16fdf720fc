import { corefileKeepsDefaults, missingDefaults } from '../../../src/verify/invariants/corefile-defaults';
import { Json } from '../../../src/verify/model';
import { RELEASE, corednsValues, ours, whole } from '../fixtures';

const APP = ours({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'vcluster-demo' },
  spec: { source: { chart: 'vcluster', helm: { releaseName: RELEASE } } },
});
const STRIPPED =
  '.:1053 {\n  errors\n  health\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n    pods insecure\n  }\n  forward . /etc/resolv.conf\n}';
const KEPT = `.:1053 {
    errors
    rewrite name regex .*\\.nodes\\.vcluster\\.com kubernetes.default.svc.cluster.local
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
    }
    hosts /etc/coredns/NodeHosts {
        ttl 60
        reload 15s
        fallthrough
    }
    forward . 10.0.0.53
}

import /etc/coredns/custom/*.server`;
const values = (overwriteConfig: string, extra: Json = {}) => ({ ...corednsValues(1, { overwriteConfig }), ...extra });

describe('corefile-keeps-defaults', () => {
  test('violated: an overwriteConfig without the node rewrite, NodeHosts and custom imports', () => {
    const out = corefileKeepsDefaults.check(whole([APP], values(STRIPPED)));
    expect(out.map((x) => [x.object, x.file])).toEqual(
      Array(3).fill(['Application/vcluster-demo', 'dist/demo/host/application-vcluster-demo.yaml']),
    );
    expect(out.map((x) => x.message)).toEqual([
      "controlPlane.coredns.overwriteConfig replaces the chart's Corefile without its line `rewrite name regex .*\\.nodes\\.vcluster\\.com kubernetes.default.svc.cluster.local`: fake node names (*.nodes.vcluster.com) do not resolve: kubectl logs/exec to a node name fails",
      "controlPlane.coredns.overwriteConfig replaces the chart's Corefile without its line `hosts /etc/coredns/NodeHosts { ttl 60; reload 15s; fallthrough }`: the node host entries the syncer maintains are not served",
      "controlPlane.coredns.overwriteConfig replaces the chart's Corefile without its line `import /etc/coredns/custom/*.server`: a tenant's coredns-custom ConfigMap is ignored",
    ]);
  });

  test('holds: a Corefile that keeps the lines; the chart default (no overwriteConfig); CoreDNS off', () => {
    expect(corefileKeepsDefaults.check(whole([APP], values(KEPT)))).toEqual([]);
    expect(corefileKeepsDefaults.check(whole([APP], corednsValues(1)))).toEqual([]);
    expect(corefileKeepsDefaults.check(whole([APP], { controlPlane: { coredns: { enabled: false, overwriteConfig: STRIPPED } } }))).toEqual(
      [],
    );
  });

  test('the rewrite is required only while proxyKubelets.byHostname is on', () => {
    const off = { networking: { advanced: { proxyKubelets: { byHostname: false } } } };
    expect(missingDefaults(STRIPPED, off).map((r) => r.text.split(' ')[0])).toEqual(['hosts', 'import']);
  });
});
