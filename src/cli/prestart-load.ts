/**
 * Imported by the synth CLI right after ./no-source-maps, before the library: starts loading the
 * declarations folder (`--vclusters`, else the working directory's vclusters/) on the loader
 * thread, so that the thread loads the library and the declarations while this thread loads the
 * library too. `loadFleet` takes the session over when it is for the same folder and files;
 * otherwise it starts afresh. Only in a process started as synth (`src/cli/synth.ts`, the
 * package's `vcluster-fleet` command): a module that merely imports synth starts nothing.
 */
import * as path from 'path';
import { prestartLoad } from '../fleet/load-thread';
import { defaultDeclarationsDir } from './project';

// `--vclusters DIR` or `--vclusters=DIR`; a wrong guess only costs the head start (loadFleet starts afresh).
const i = process.argv.indexOf('--vclusters');
const joined = process.argv.find((a) => a.startsWith('--vclusters='));
const dir = joined ? joined.slice('--vclusters='.length) : i >= 0 ? process.argv[i + 1] : undefined;
const started = /[/\\](synth|bin)\.[jt]s$/.test(require.main?.filename ?? '');
if (started && !process.argv.includes('--help') && !process.argv.includes('-h')) {
  prestartLoad(dir ? path.resolve(dir) : defaultDeclarationsDir());
}
