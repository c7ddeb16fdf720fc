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

/** Writes files below one root, creating each folder once. */
export class FileWriter {
  private readonly dirs = new Set<string>();

  constructor(private readonly root: string) {}

  /** Writes `content` (or the YAML of an object) at `rel`. */
  public write(rel: string, content: string | JsonObject): void {
    const dir = path.dirname(rel);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(path.join(this.root, dir), { recursive: true });
      this.dirs.add(dir);
    }
    fs.writeFileSync(path.join(this.root, rel), typeof content === 'string' ? content : toYaml(content));
  }
}
