/**
 * Serialization of the output: one YAML document per object, byte-stable. Kept free of cdk8s and
 * the constructs so the writer thread of {@link ./output} loads only this and `yaml`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** A JSON object. */
type JsonObject = { [key: string]: unknown };

/** Options of every `YAML.stringify` call (YAML 1.1 quoting, no folding, no anchors). */
export const YAML_OPTIONS = { version: '1.1', lineWidth: 0, indent: 2, sortMapEntries: false, aliasDuplicateObjects: false } as const;

/** YAML text of one object, byte-stable: sorted keys come from cdk8s, options are fixed here. */
export function toYaml(obj: JsonObject): string {
  return YAML.stringify(obj, YAML_OPTIONS);
}

/**
 * Writes files below one root, creating each folder once. With `previous` (the tree being
 * replaced, on the same file system), a file whose bytes are already there is hard-linked from it
 * instead of written: no data is written for unchanged files, and deleting the replaced tree later
 * frees nothing but names. Only a plain, unshared, non-executable file of this user is linked.
 */
export class FileWriter {
  private readonly dirs = new Set<string>();
  private linking: boolean;
  private readonly uid = process.getuid?.();

  constructor(
    private readonly root: string,
    private readonly previous?: string,
  ) {
    this.linking = previous !== undefined && fs.existsSync(previous);
  }

  /** Writes `content` (or the YAML of an object) at `rel`. */
  public write(rel: string, content: string | JsonObject): void {
    const dir = path.dirname(rel);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(path.join(this.root, dir), { recursive: true });
      this.dirs.add(dir);
    }
    const text = typeof content === 'string' ? content : toYaml(content);
    const target = path.join(this.root, rel);
    if (this.linking && this.linkUnchanged(path.join(this.previous!, rel), target, text)) return;
    fs.writeFileSync(target, text);
  }

  /** Links `from` to `to` when `from` holds exactly `text`; false when it does not (or cannot). */
  private linkUnchanged(from: string, to: string, text: string): boolean {
    let fd: number;
    try {
      fd = fs.openSync(from, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch {
      return false; // not there (a new file), or a link
    }
    try {
      const st = fs.fstatSync(fd);
      const size = Buffer.byteLength(text);
      if (!st.isFile() || st.nlink !== 1 || st.size !== size || (st.mode & 0o7111) !== 0 || (this.uid !== undefined && st.uid !== this.uid))
        return false;
      const bytes = Buffer.allocUnsafe(size);
      if (fs.readSync(fd, bytes, 0, size, 0) !== size || bytes.toString('utf8') !== text) return false;
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(from, to);
      return true;
    } catch {
      this.linking = false; // a file system without hard links: write from now on
      return false;
    }
  }
}
