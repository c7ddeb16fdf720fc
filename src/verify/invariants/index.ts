/**
 * Every invariant `npm run verify` checks over a whole vcluster, in report order. Each is a pure
 * function of the {@link WholeVCluster}; see its file for what it checks and why.
 */
import { Invariant, Violation, WholeVCluster } from '../model';
import { chartAppRetries, jobReplaceIgnoreDifferences } from './argocd-sync';
import { noClusterSecretRead } from './cluster-secret-read';
import { corefileKeepsDefaults } from './corefile-defaults';
import { etcdClientCertAuth } from './etcd-client-cert-auth';
import { apiServedInvariant, noSecretManifestInvariant, replicateServicesNoopInvariant } from './host-basics';
import { integrationsSupported } from './integrations-supported';
import { netpolSelectsPod } from './netpol-selects-pod';
import { podSecurityAdmits } from './pod-security';
import { limitRangeAdmits, quotaFits } from './quota-fits';
import { secretsExist } from './secrets-exist';
import { pdbSelectsPod, routeBackendExists, serviceSelectsPod } from './selects-workload';

/** The invariants, in the order their violations are reported. */
export const INVARIANTS: readonly Invariant[] = [
  netpolSelectsPod,
  quotaFits,
  limitRangeAdmits,
  podSecurityAdmits,
  noClusterSecretRead,
  etcdClientCertAuth,
  secretsExist,
  corefileKeepsDefaults,
  integrationsSupported,
  chartAppRetries,
  jobReplaceIgnoreDifferences,
  pdbSelectsPod,
  serviceSelectsPod,
  routeBackendExists,
  apiServedInvariant,
  noSecretManifestInvariant,
  replicateServicesNoopInvariant,
];

/** Runs every invariant on a vcluster; violations in invariant order, then in object order. */
export function checkInvariants(v: WholeVCluster, invariants: readonly Invariant[] = INVARIANTS): Violation[] {
  return invariants.flatMap((i) => i.check(v));
}
