// Child process for the crash test: commits settings rows forever, printing each committed count.

import { openHistoryDatabase } from '../../main/history/database.ts';

const db = openHistoryDatabase(process.argv[2]!);
const insert = db.prepare<[string, string]>('INSERT INTO settings (key, value) VALUES (?, ?)');
const writeBatch = db.transaction((batch: number) => {
  for (let i = 0; i < 200; i++) insert.run(`k-${batch}-${i}`, JSON.stringify('x'.repeat(512)));
});
for (let batch = 0; ; batch++) {
  writeBatch(batch);
  process.stdout.write(`${batch + 1}\n`);
}
