/**
 * Repository of layers and their versions (the 0001 `layers` and
 * `layer_versions` tables). A layer version's content is a code blob (the
 * content-addressed package tree, shared with anything of the same bytes).
 * A deleted version a function still binds stays as a row with status
 * `Deleted`, so the binding keeps resolving to its content; unbound deleted
 * rows are removed (`purgeDeleted`). The `layers` row stays when its last
 * version goes, so version numbers are never handed out twice. Every
 * statement is prepared once.
 */
import type { Db } from './db';

export interface LayerVersionRow {
  layer_name: string;
  version: number;
  description: string;
  /** JSON string array. */
  compatible_runtimes: string;
  license_info: string;
  code_sha256: string;
  /** `Active`, or `Deleted` (kept only while a function binds it). */
  status: string;
  add_time: number;
}

/** A layer version with its package sizes (`code_blobs`). */
export interface LayerVersionWithSize extends LayerVersionRow {
  zip_size: number;
  unpacked_size: number;
}

// Is (name, version) in any function version's `layers` JSON?
const BOUND = `EXISTS (SELECT 1 FROM function_versions fv, json_each(fv.layers) l
  WHERE json_extract(l.value, '$.LayerName') = lv.layer_name AND json_extract(l.value, '$.LayerVersion') = lv.version)`;

export class LayersRepo {
  private readonly ensureLayerStmt;
  private readonly claimNumberStmt;
  private readonly insertVersionStmt;
  private readonly getVersionStmt;
  private readonly versionsStmt;
  private readonly latestStmt;
  private readonly activeLayerCountStmt;
  private readonly activeVersionCountStmt;
  private readonly boundStmt;
  private readonly markDeletedStmt;
  private readonly deleteVersionStmt;
  private readonly purgeDeletedStmt;
  constructor(db: Db) {
    this.ensureLayerStmt = db.prepare<[string, number]>('INSERT OR IGNORE INTO layers (name, next_version, add_time) VALUES (?, 1, ?)');
    // RETURNING the pre-increment value: a number handed out is never handed out again.
    this.claimNumberStmt = db.prepare<[string], { n: number }>('UPDATE layers SET next_version = next_version + 1 WHERE name = ? RETURNING next_version - 1 AS n');
    this.insertVersionStmt = db.prepare(
      `INSERT INTO layer_versions (layer_name, version, description, compatible_runtimes, license_info, code_sha256, status, add_time)
       VALUES (@layer_name, @version, @description, @compatible_runtimes, @license_info, @code_sha256, @status, @add_time)`,
    );
    const withSize = `SELECT lv.*, b.zip_size AS zip_size, b.unpacked_size AS unpacked_size FROM layer_versions lv JOIN code_blobs b ON b.sha256 = lv.code_sha256`;
    this.getVersionStmt = db.prepare<[string, number], LayerVersionWithSize>(`${withSize} WHERE lv.layer_name = ? AND lv.version = ?`);
    this.versionsStmt = db.prepare<[string], LayerVersionWithSize>(`${withSize} WHERE lv.layer_name = ? AND lv.status = 'Active' ORDER BY lv.version DESC`);
    this.latestStmt = db.prepare<[], LayerVersionWithSize>(
      `${withSize} WHERE lv.status = 'Active' AND lv.version = (SELECT max(version) FROM layer_versions WHERE layer_name = lv.layer_name AND status = 'Active')
       ORDER BY lv.layer_name`,
    );
    this.activeLayerCountStmt = db.prepare<[], { n: number }>("SELECT count(DISTINCT layer_name) AS n FROM layer_versions WHERE status = 'Active'");
    this.activeVersionCountStmt = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM layer_versions WHERE layer_name = ? AND status = 'Active'");
    this.boundStmt = db.prepare<[string, number], { n: number }>(`SELECT count(*) AS n FROM layer_versions lv WHERE lv.layer_name = ? AND lv.version = ? AND ${BOUND}`);
    this.markDeletedStmt = db.prepare<[string, number]>("UPDATE layer_versions SET status = 'Deleted' WHERE layer_name = ? AND version = ?");
    this.deleteVersionStmt = db.prepare<[string, number]>('DELETE FROM layer_versions WHERE layer_name = ? AND version = ?');
    this.purgeDeletedStmt = db.prepare<[]>(`DELETE FROM layer_versions AS lv WHERE lv.status = 'Deleted' AND NOT ${BOUND}`);
  }
  /** Takes the next version number of layer `name`, creating the layer on first use. Call inside the inserting transaction. */
  claimNumber(name: string, now: number): number {
    this.ensureLayerStmt.run(name, now);
    return this.claimNumberStmt.get(name)!.n;
  }
  insertVersion(row: LayerVersionRow): void {
    this.insertVersionStmt.run(row);
  }
  /** One version, `Deleted` ones included (a binding made before the delete still resolves). */
  getVersion(name: string, version: number): LayerVersionWithSize | undefined {
    return this.getVersionStmt.get(name, version);
  }
  /** A layer's active versions, newest first. */
  versions(name: string): LayerVersionWithSize[] {
    return this.versionsStmt.all(name);
  }
  /** Every layer with an active version: its newest active version, by name. */
  latest(): LayerVersionWithSize[] {
    return this.latestStmt.all();
  }
  /** Layers with at least one active version. */
  activeLayerCount(): number {
    return this.activeLayerCountStmt.get()!.n;
  }
  /** Active versions of one layer. */
  activeVersionCount(name: string): number {
    return this.activeVersionCountStmt.get(name)!.n;
  }
  /** True when some function version binds (name, version). */
  isBound(name: string, version: number): boolean {
    return this.boundStmt.get(name, version)!.n > 0;
  }
  /** Deletes a version: kept as `Deleted` while bound, removed otherwise. */
  deleteVersion(name: string, version: number): void {
    if (this.isBound(name, version)) this.markDeletedStmt.run(name, version);
    else this.deleteVersionStmt.run(name, version);
  }
  /** Removes deleted versions no function binds any more (after a function or version went away). Start-up housekeeping. */
  purgeDeleted(): void {
    this.purgeDeletedStmt.run();
  }
}
