/**
 * The writer thread of {@link TreeWriter} (./output.ts): serializes objects to YAML and writes them
 * into the temporary tree while the main thread builds the next vclusters. Messages: batches of
 * `[relative path, object]`, then `null`. State is shared through `workerData.state` (Int32Array):
 * [0] is 0 running, 1 done, 2 failed, 3 cancel requested (by the main thread), 4 stopped;
 * [1] counts the objects written. A failure's message goes to `workerData.port`.
 */
import { MessagePort, parentPort, workerData } from 'worker_threads';
import { FileWriter } from './serialize';

const { root, previous, state, port } = workerData as { root: string; previous?: string; state: SharedArrayBuffer; port: MessagePort };
const flag = new Int32Array(state);
const writer = new FileWriter(root, previous);

function finish(code: 1 | 2 | 4): void {
  Atomics.store(flag, 0, code);
  Atomics.notify(flag, 0);
  parentPort!.close();
}

parentPort!.on('message', (batch: Array<[string, { [key: string]: unknown }]> | null) => {
  try {
    for (const [rel, obj] of batch ?? []) {
      if (Atomics.load(flag, 0) !== 0) break;
      writer.write(rel, obj);
      Atomics.add(flag, 1, 1);
    }
    const s = Atomics.load(flag, 0);
    if (s === 3) finish(4);
    else if (s === 0 && batch === null) finish(1);
  } catch (e) {
    if (Atomics.load(flag, 0) !== 0) return finish(4);
    port.postMessage(e instanceof Error ? e.message : String(e));
    finish(2);
  }
});
