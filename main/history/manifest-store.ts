// The manifest cache in the history database: raw host manifests by (narHash, inspect.nix hash, host), and which
// content fingerprint of a flake folder had which narHash.

import type { ApiErrorData } from '../../common/api/errors.ts';
import type { HistoryDatabase } from './database.ts';

export interface InspectionRow {
  flakePath: string;
  fingerprint: string;
  inspectHash: string;
  narHash: string;
  storePath: string;
  hosts: string[];
  evaluatedAt: number;
}

export type StoredHost = { host: string; raw: unknown } | { host: string; error: ApiErrorData };

interface InspectionRecord {
  flake_path: string;
  fingerprint: string;
  inspect_hash: string;
  nar_hash: string;
  store_path: string;
  hosts: string;
  evaluated_at: number;
}

const fromRecord = (r: InspectionRecord): InspectionRow => ({
  flakePath: r.flake_path,
  fingerprint: r.fingerprint,
  inspectHash: r.inspect_hash,
  narHash: r.nar_hash,
  storePath: r.store_path,
  hosts: JSON.parse(r.hosts) as string[],
  evaluatedAt: r.evaluated_at,
});

export class ManifestStore {
  readonly #db: HistoryDatabase;
  readonly #byFingerprint;
  readonly #latest;
  readonly #byNarHash;
  readonly #hosts;
  readonly #putInspection;
  readonly #putHost;

  constructor(db: HistoryDatabase) {
    this.#db = db;
    this.#byFingerprint = db.prepare<[string, string, string], InspectionRecord>(
      'SELECT * FROM flake_inspections WHERE flake_path = ? AND fingerprint = ? AND inspect_hash = ?',
    );
    this.#latest = db.prepare<[string, string], InspectionRecord>(
      'SELECT * FROM flake_inspections WHERE flake_path = ? AND inspect_hash = ? ORDER BY evaluated_at DESC LIMIT 1',
    );
    this.#byNarHash = db.prepare<[string, string], InspectionRecord>(
      'SELECT * FROM flake_inspections WHERE nar_hash = ? AND inspect_hash = ? ORDER BY evaluated_at DESC LIMIT 1',
    );
    this.#hosts = db.prepare<[string, string], { host: string; manifest: string | null; error: string | null }>(
      'SELECT host, manifest, error FROM host_manifests WHERE nar_hash = ? AND inspect_hash = ?',
    );
    this.#putInspection = db.prepare<[string, string, string, string, string, string, number]>(
      `INSERT INTO flake_inspections (flake_path, fingerprint, inspect_hash, nar_hash, store_path, hosts, evaluated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (flake_path, fingerprint, inspect_hash) DO UPDATE SET
         nar_hash = excluded.nar_hash, store_path = excluded.store_path, hosts = excluded.hosts,
         evaluated_at = excluded.evaluated_at`,
    );
    this.#putHost = db.prepare<[string, string, string, string | null, string | null, number]>(
      `INSERT INTO host_manifests (nar_hash, inspect_hash, host, manifest, error, evaluated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (nar_hash, inspect_hash, host) DO UPDATE SET
         manifest = excluded.manifest, error = excluded.error, evaluated_at = excluded.evaluated_at`,
    );
  }

  findByFingerprint(flakePath: string, fingerprint: string, inspectHash: string): InspectionRow | undefined {
    const record = this.#byFingerprint.get(flakePath, fingerprint, inspectHash);
    return record && fromRecord(record);
  }

  /** The last inspection of this folder, whatever its content was: what to show while re-evaluating. */
  latest(flakePath: string, inspectHash: string): InspectionRow | undefined {
    const record = this.#latest.get(flakePath, inspectHash);
    return record && fromRecord(record);
  }

  findByNarHash(narHash: string, inspectHash: string): InspectionRow | undefined {
    const record = this.#byNarHash.get(narHash, inspectHash);
    return record && fromRecord(record);
  }

  hosts(narHash: string, inspectHash: string): Map<string, StoredHost> {
    const hosts = new Map<string, StoredHost>();
    for (const row of this.#hosts.all(narHash, inspectHash)) {
      hosts.set(
        row.host,
        row.manifest !== null
          ? { host: row.host, raw: JSON.parse(row.manifest) as unknown }
          : { host: row.host, error: JSON.parse(row.error!) as ApiErrorData },
      );
    }
    return hosts;
  }

  /** Records one evaluation: the folder's fingerprint, its hosts and each host's manifest or error, in one commit. */
  save(row: InspectionRow, hosts: readonly StoredHost[]): void {
    this.#db.transaction(() => {
      this.#putInspection.run(
        row.flakePath,
        row.fingerprint,
        row.inspectHash,
        row.narHash,
        row.storePath,
        JSON.stringify(row.hosts),
        row.evaluatedAt,
      );
      for (const h of hosts) {
        this.#putHost.run(
          row.narHash,
          row.inspectHash,
          h.host,
          'raw' in h ? JSON.stringify(h.raw) : null,
          'error' in h ? JSON.stringify(h.error) : null,
          row.evaluatedAt,
        );
      }
    })();
  }
}
