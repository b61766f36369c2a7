// `flakedeck` with a history file it cannot use: `history` says which file, what is wrong and what to do; other
// commands work on and warn that nothing of theirs is kept.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function damagedDataDir(): { dataDir: string; file: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-cli-data-'));
  dirs.push(dataDir);
  const file = join(dataDir, 'history.sqlite');
  writeFileSync(file, 'not a database at all\n');
  return { dataDir, file };
}

describe('a history file the CLI cannot use', () => {
  it('makes `history` fail with the file, what is wrong and what to do', async () => {
    const { dataDir, file } = damagedDataDir();
    const result = await runCliInProcess(['history'], { FLAKEDECK_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `flakedeck: The history database ${file} cannot be used: it is damaged, or not a SQLite database (`,
    );
    expect(result.stderr).toContain('move that file away (say to history.sqlite.broken, beside it) and start again');
    expect(readFileSync(file, 'utf8')).toBe('not a database at all\n');
  });

  it('lets other commands work, with a warning that the history is off', async () => {
    const { dataDir, file } = damagedDataDir();
    const repo = makeFlakeRepo('four-hosts');
    dirs.push(repo.path);
    const result = await runCliInProcess(['inspect', 'vps', '--flake', repo.path, '--json'], {
      FLAKEDECK_DATA_DIR: dataDir,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ hosts: { vps: { stateVersion: '24.05' } } });
    expect(result.stderr).toContain(
      `flakedeck: the history is off, nothing of this command is kept: The history database ${file} cannot be used`,
    );
  });
});
