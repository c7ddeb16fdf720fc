/**
 * Imported by the synth CLI right after ./no-source-maps, before the library: starts loading the
 * declarations folder (`--vclusters`, else vclusters/) on the loader thread, so that the thread
 * loads the library and the declarations while this thread loads the library too. `loadFleet`
 * takes the session over when it is for the same folder and files; otherwise it starts afresh.
 */
import * as path from 'path';
import { prestartLoad } from '../fleet/load-thread';

const i = process.argv.indexOf('--vclusters');
prestartLoad(i >= 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : path.resolve(__dirname, '..', '..', 'vclusters'));
