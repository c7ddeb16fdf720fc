/**
 * sandbox: a small development vcluster for trying things out. Everything comes from the `dev`
 * preset: one replica, its store on a 5Gi PVC, the API at sandbox.integratn.tech, cleaned up (volume
 * included) when this file goes.
 */
import { defineVCluster } from '../src';

export default defineVCluster({
  name: 'sandbox',
  preset: 'dev',
  // Removing this file deletes the vcluster (the dev default, written out to be explicit).
  deletionPolicy: 'delete',
});
