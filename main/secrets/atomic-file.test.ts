// Writers of one secrets file from two processes at once (saves and rotations): no change is lost, and temp files
// left by a killed write are cleaned up by the next one.

import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { encryptPlain, openSops } from './sops-file.ts';
import { readVersioned, writeAtomically } from './atomic-file.ts';
import { repoRoot } from '../../tests/support/fixture-flake.ts';

const dir = mkdtempSync(join(tmpdir(), 'flakedeck-writers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that, `rounds` times, either adds one to its own counter in the file (reopening on a conflict) or rotates it. */
function writer(script: string, file: string, identity: string, who: string, rounds: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file, identity, who, String(rounds)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${who} exited ${code}: ${err}`))));
  });
}

describe('two processes writing one secrets file', () => {
  it('lose no change over hundreds of rounds of saves and rotations', { timeout: 600_000 }, async () => {
    const identity = await generateX25519Identity();
    const file = join(dir, 'shared.yaml');
    const plan = { groups: [[await identityToRecipient(identity)]], shamirThreshold: 0 };
    writeFileSync(file, await encryptPlain(new TextEncoder().encode('a: 0\nb: 0\n'), 'yaml', { plan, rules: {} }));
    const script = join(dir, 'writer.mts');
    writeFileSync(
      script,
      `import { EditorSessions } from ${JSON.stringify(join(import.meta.dirname, 'editor-sessions.ts'))};
      import { rotateFile } from ${JSON.stringify(join(import.meta.dirname, 'file-operations.ts'))};
      const [file, identity, who, rounds] = process.argv.slice(2);
      const sessions = new EditorSessions(async () => [identity]);
      let conflicts = 0;
      for (let round = 0; round < Number(rounds); round++) {
        if (who === 'rotate') { await rotateFile(file, { identities: [identity] }); continue; }
        for (;;) {
          const view = await sessions.open({ file });
          const current = await sessions.reveal(view.sessionId, 0, [who]);
          sessions.set(view.sessionId, 0, [who], { type: 'int', text: String(Number(current.text) + 1) });
          try {
            await sessions.save(view.sessionId);
            sessions.close(view.sessionId);
            break;
          } catch (error) {
            sessions.close(view.sessionId);
            if (error.code !== 'FILE_CHANGED') throw error;
            conflicts++;
          }
        }
      }
      process.stdout.write(String(conflicts));`,
    );
    const rounds = 120;
    const [a, b, rotations] = await Promise.all([
      writer(script, file, identity, 'a', rounds),
      writer(script, file, identity, 'b', rounds),
      writer(script, file, identity, 'rotate', 40),
    ]);
    const opened = await openSops(readVersioned(file).bytes, 'yaml', { identities: [identity] });
    expect(opened.macVerified).toBe(true);
    // Every save that reported success landed on top of the one before: both counters reached their rounds.
    expect(opened.plaintext[0]!.get('a')).toBe(BigInt(rounds));
    expect(opened.plaintext[0]!.get('b')).toBe(BigInt(rounds));
    expect(rotations).toBe('0');
    // The writers met: some saves found the file changed and were made again on the newer file.
    expect(Number(a) + Number(b)).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a save when the file changed on disk after it was read, even at the last moment', () => {
    const file = join(dir, 'changed.txt');
    writeFileSync(file, 'one');
    const { version } = readVersioned(file);
    writeFileSync(file, 'two');
    expect(() => writeAtomically(file, new TextEncoder().encode('three'), version)).toThrow(/changed on disk/);
    expect(readVersioned(file).bytes).toEqual(new TextEncoder().encode('two'));
  });

  it('removes temp files left by a killed write of the same file, and only those', () => {
    const file = join(dir, 'left.yaml');
    writeFileSync(file, 'a: 1\n');
    const dead = join(dir, '.left.yaml.flakedeck-999999999-0a1b2c.tmp');
    const living = join(dir, `.left.yaml.flakedeck-${process.pid}-0a1b2c.tmp`);
    const other = join(dir, '.other.yaml.flakedeck-999999999-0a1b2c.tmp');
    for (const f of [dead, living, other]) writeFileSync(f, 'partial');
    writeAtomically(file, new TextEncoder().encode('a: 2\n'), readVersioned(file).version);
    expect([existsSync(dead), existsSync(living), existsSync(other)]).toEqual([false, true, true]);
    rmSync(living);
    rmSync(other);
  });
});
