/** Alerts as code: PrometheusRules for every vcluster and for the fleet. This module only re-exports. */
export * from './alert-rules';
export * from './alerted-vcluster';
export * from './fleet-alert-rules';
export * from './fleet-alerts';
export * from './promql';
export * from './vcluster-alert-rules';
export * from './vcluster-alerts';
