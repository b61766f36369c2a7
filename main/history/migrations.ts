// Schema migrations, applied in order; the database's user_version counts how many have run. Append only.

export const migrations: readonly string[] = [
  `CREATE TABLE settings (
     key   TEXT PRIMARY KEY,
     value TEXT NOT NULL
   ) STRICT;`,
];
