/**
 * The verdicts of earlier runs, so an unchanged vcluster is neither parsed nor rendered again: a
 * vcluster's verdict (its violations) is reused when the hash of its files, the host description
 * and the verify code itself are all unchanged. One JSON file per `dist/` folder under
 * `node_modules/.cache/vcluster-fleet/verify/`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { VClusterFolder } from './dist-reader';
import { Violation } from './model';

/** One stored verdict. */
export interface Verdict {
  readonly key: string;
  readonly violations: readonly Violation[];
  /** The Application named no host: rendered for the default one. @default false */
  readonly assumedHost?: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** A hash of the verify code (this folder): a new invariant or fix invalidates every verdict. */
export function codeFingerprint(dir = __dirname): string {
  const h = createHash('sha256');
  for (const f of sourceFiles(dir)) h.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return h.digest('hex');
}

/** The verdict key of a vcluster folder: its files (the host is on its Application) and the code fingerprint. */
export function verdictKey(folder: VClusterFolder, fingerprint: string): string {
  const h = createHash('sha256').update(fingerprint);
  for (const f of folder.files) h.update('\0').update(f.rel).update('\0').update(f.text);
  return h.digest('hex');
}

/** The verdict store of one `dist/` folder. */
export class VerdictStore {
  private readonly file: string;
  private readonly old: Record<string, Verdict>;
  private readonly next: Record<string, Verdict> = {};

  constructor(cacheDir: string, dist: string) {
    this.file = path.join(cacheDir, `verdicts-${createHash('sha256').update(path.resolve(dist)).digest('hex').slice(0, 16)}.json`);
    let old: Record<string, Verdict> = {};
    try {
      old = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, Verdict>;
    } catch {
      old = {};
    }
    this.old = old;
  }

  /** The stored verdict of `name` when its key is `key`. */
  public get(name: string, key: string): Verdict | undefined {
    const v = this.old[name];
    return v && v.key === key ? v : undefined;
  }

  /** Records a verdict for the next {@link save}. */
  public set(name: string, verdict: Verdict): void {
    this.next[name] = verdict;
  }

  /** Writes the recorded verdicts (replacing the old file: removed vclusters drop out). */
  public save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(`${this.file}.tmp-${process.pid}`, JSON.stringify(this.next));
    fs.renameSync(`${this.file}.tmp-${process.pid}`, this.file);
  }
}
