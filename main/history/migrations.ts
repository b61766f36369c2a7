// Schema migrations, applied in order; the database's user_version counts how many have run. Append only.

export const migrations: readonly string[] = [
  `CREATE TABLE settings (
     key   TEXT PRIMARY KEY,
     value TEXT NOT NULL
   ) STRICT;`,
  // Builds, deploys and rollbacks: one row per host and action, its steps, its log in chunks, its diff summary.
  `CREATE TABLE runs (
     id          INTEGER PRIMARY KEY,
     batch       TEXT NOT NULL,
     kind        TEXT NOT NULL CHECK (kind IN ('build', 'deploy', 'rollback')),
     host        TEXT NOT NULL,
     flake       TEXT NOT NULL,
     revision    TEXT,
     dirty       INTEGER,
     mode        TEXT,
     target      TEXT,
     out_path    TEXT,
     status      TEXT NOT NULL
                 CHECK (status IN ('running', 'succeeded', 'failed', 'rolled-back', 'cancelled', 'interrupted')),
     message     TEXT,
     started_at  INTEGER NOT NULL,
     ended_at    INTEGER,
     owner_pid   INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX runs_by_start ON runs (started_at DESC);
   CREATE INDEX runs_running ON runs (host) WHERE status = 'running';
   CREATE TABLE run_steps (
     run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     seq         INTEGER NOT NULL,
     name        TEXT NOT NULL,
     status      TEXT NOT NULL,
     started_at  INTEGER NOT NULL,
     ended_at    INTEGER,
     message     TEXT,
     terminal_id TEXT,
     PRIMARY KEY (run_id, seq)
   ) STRICT;
   CREATE TABLE run_logs (
     run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     seq         INTEGER NOT NULL,
     text        TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)
   ) STRICT;
   CREATE TABLE run_diffs (
     run_id      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
     summary     TEXT NOT NULL
   ) STRICT;`,
  // Host manifests from nix/inspect.nix, keyed on the flake's narHash, inspect.nix's hash and the host; and which
  // content fingerprint of a flake folder had which narHash, so an unchanged flake opens without running nix.
  `CREATE TABLE flake_inspections (
     flake_path   TEXT NOT NULL,
     fingerprint  TEXT NOT NULL,
     inspect_hash TEXT NOT NULL,
     nar_hash     TEXT NOT NULL,
     store_path   TEXT NOT NULL,
     hosts        TEXT NOT NULL,
     evaluated_at INTEGER NOT NULL,
     PRIMARY KEY (flake_path, fingerprint, inspect_hash)
   ) STRICT;
   CREATE INDEX flake_inspections_latest ON flake_inspections (flake_path, inspect_hash, evaluated_at);
   CREATE INDEX flake_inspections_by_hash ON flake_inspections (nar_hash, inspect_hash);
   CREATE TABLE host_manifests (
     nar_hash     TEXT NOT NULL,
     inspect_hash TEXT NOT NULL,
     host         TEXT NOT NULL,
     manifest     TEXT,
     error        TEXT,
     evaluated_at INTEGER NOT NULL,
     PRIMARY KEY (nar_hash, inspect_hash, host),
     CHECK ((manifest IS NULL) <> (error IS NULL))
   ) STRICT;`,
  // Logs read in pages of lines: each chunk (at most 64 KiB, cut after a newline where there is one) records how many
  // newlines came before it and how many it holds, so a page of lines is found without reading the chunks before it.
  `ALTER TABLE run_logs ADD COLUMN first_line INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE run_logs ADD COLUMN line_count INTEGER NOT NULL DEFAULT 0;
   UPDATE run_logs SET line_count = length(text) - length(replace(text, char(10), ''));
   UPDATE run_logs SET first_line = before.lines
     FROM (SELECT run_id, seq,
                  coalesce(sum(line_count) OVER (PARTITION BY run_id ORDER BY seq
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lines
           FROM run_logs) AS before
     WHERE run_logs.run_id = before.run_id AND run_logs.seq = before.seq;
   CREATE INDEX run_logs_by_line ON run_logs (run_id, first_line, line_count, seq);`,
  // The last live state of each host of a flake (its last answer kept apart, so a host that stops answering still
  // shows what it said last, with its age), and the boots seen, for the hosts' timelines.
  `CREATE TABLE host_states (
     flake_path  TEXT NOT NULL,
     host        TEXT NOT NULL,
     target      TEXT NOT NULL,
     checked_at  INTEGER NOT NULL,
     reachable   INTEGER NOT NULL,
     error       TEXT,
     reading     TEXT,
     seen_at     INTEGER,
     PRIMARY KEY (flake_path, host)
   ) STRICT;
   CREATE TABLE host_boots (
     flake_path  TEXT NOT NULL,
     host        TEXT NOT NULL,
     booted_at   INTEGER NOT NULL,
     system      TEXT,
     PRIMARY KEY (flake_path, host, booted_at)
   ) STRICT;`,
  // A short hash of a dirty tree's changes, so that two dirty runs on one commit tell apart.
  `ALTER TABLE runs ADD COLUMN dirty_hash TEXT;`,
  // The activation a deploy started on its target (its id in the target's state folder): a run that ended without
  // knowing how its activation ended (Flakedeck stopped, was killed) is completed from the target on the next start.
  `ALTER TABLE runs ADD COLUMN activation TEXT;`,
];
