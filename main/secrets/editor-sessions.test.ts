// Editor sessions: masked trees, revealed values, typed edits, atomic saves, plaintext only in memory.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateX25519Identity } from 'age-encryption';
import { EditorSessions } from './editor-sessions.ts';
import { openSops } from './sops-file.ts';
import { vectorIdentities, vectorsDir } from '../../tests/support/sops-vectors.ts';

const identities = vectorIdentities(['getsops-sops-pr1031/keys.txt']);
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flakedeck-editor-'));
  file = join(dir, 'example.yaml');
  copyFileSync(join(vectorsDir, 'getsops-sops-pr1031/example.yaml'), file);
  chmodSync(file, 0o640);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sessions = () => new EditorSessions(async () => identities);

/** Every file under `root` (skipping dependencies and git objects) that holds `needle`. */
function filesHolding(root: string, needle: Buffer): string[] {
  const found: string[] = [];
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '.git') found.push(...filesHolding(path, needle));
    } else if (entry.isFile()) {
      try {
        if (statSync(path).size < 8 * 1024 * 1024 && readFileSync(path).includes(needle)) found.push(path);
      } catch {
        // Unreadable or gone: it holds nothing of ours.
      }
    }
  }
  return found;
}

describe('editor sessions', () => {
  it('shows a masked tree: types and whether set, never a value', async () => {
    const view = await sessions().open({ file });
    const json = JSON.stringify(view);
    for (const secret of ['eve', 'c4r1b0u', 't00m4nys3cr3tzupdated', 'RSA PRIVATE']) expect(json).not.toContain(secret);
    const app2 = view.documents[0]!.find((n) => n.key === 'app2')!;
    expect(app2).toMatchObject({ type: 'map', encrypted: true });
    expect(app2.children!.find((n) => n.key === 'db')!.children).toEqual([
      { key: 'user', type: 'str', set: true, encrypted: true },
      { key: 'password', type: 'str', set: true, encrypted: true },
    ]);
    expect(view.documents[0]!.find((n) => n.key === 'number')).toMatchObject({ type: 'float', set: true });
    expect(view.documents[0]!.find((n) => n.key === 'nested_unencrypted')).toMatchObject({ encrypted: false });
    expect(view.recipients.map((r) => r.recipient)).toEqual([
      'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw',
      'age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep',
    ]);
  });

  it('reveals one value on request, typed', async () => {
    const s = sessions();
    const { sessionId } = await s.open({ file });
    expect(s.reveal(sessionId, 0, ['app2', 'db', 'user'])).toEqual({ path: ['app2', 'db', 'user'], type: 'str', text: 'eve' });
    expect(s.reveal(sessionId, 0, ['somebooleans', 1])).toMatchObject({ type: 'bool', text: 'false' });
    expect(s.reveal(sessionId, 0, ['number'])).toMatchObject({ type: 'float', text: '1234568000' });
    expect(() => s.reveal(sessionId, 0, ['app2', 'nope'])).toThrow(/no such key/);
  });

  it('sets, adds, renames and removes typed values, and saves a file that decrypts to them', async () => {
    const s = sessions();
    const { sessionId } = await s.open({ file });
    s.set(sessionId, 0, ['app2', 'db', 'port'], { type: 'int', text: '5432' });
    s.set(sessionId, 0, ['app2', 'db', 'note'], { type: 'str', text: 'line one\nline two\n' });
    s.set(sessionId, 0, ['an_array', 4], { type: 'str', text: 'appended' });
    s.set(sessionId, 0, ['flags'], { type: 'map' });
    s.set(sessionId, 0, ['flags', 'on'], { type: 'bool', text: 'true' });
    s.rename(sessionId, 0, ['myapp1'], 'myapp');
    const view = s.remove(sessionId, 0, ['somebooleans']);
    expect(view.dirty).toBe(true);
    expect(() => s.set(sessionId, 0, ['x'], { type: 'int', text: '1.5' })).toThrow(/not a whole number/);
    expect(() => s.rename(sessionId, 0, ['myapp'], 'app2')).toThrow(/already a key "app2"/);

    expect((await s.save(sessionId)).dirty).toBe(false);
    const saved = readFileSync(file, 'utf8');
    expect(saved).toMatch(/^myapp: ENC\[AES256_GCM,.*type:str\]$/m);
    expect(saved).toMatch(/^ {8}port: ENC\[AES256_GCM,.*type:int\]$/m);
    expect(saved).not.toContain('somebooleans');
    const reopened = await openSops(new Uint8Array(readFileSync(file)), 'yaml', { identities, file });
    const doc = reopened.plaintext[0]!;
    expect(doc.get('myapp')).toBe('t00m4nys3cr3tzupdated');
    expect(reopened.macVerified).toBe(true);
    const fresh = sessions();
    const again = await fresh.open({ file });
    expect(fresh.reveal(again.sessionId, 0, ['app2', 'db', 'port'])).toMatchObject({ type: 'int', text: '5432' });
    expect(fresh.reveal(again.sessionId, 0, ['app2', 'db', 'note']).text).toBe('line one\nline two\n');
    expect(fresh.reveal(again.sessionId, 0, ['an_array', 4]).text).toBe('appended');
    expect(fresh.reveal(again.sessionId, 0, ['flags', 'on'])).toMatchObject({ type: 'bool', text: 'true' });
  });

  it('saves atomically: same mode, no temp file left, and an unchanged session writes nothing', async () => {
    const s = sessions();
    const { sessionId } = await s.open({ file });
    const before = statSync(file).mtimeMs;
    await s.save(sessionId);
    expect(statSync(file).mtimeMs).toBe(before);
    s.set(sessionId, 0, ['app2', 'db', 'user'], { type: 'str', text: 'mallory' });
    await s.save(sessionId);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['example.yaml']);
  });

  it('refuses to overwrite a file that changed on disk since it was opened, and writes nothing', async () => {
    const s = sessions();
    const { sessionId } = await s.open({ file });
    s.set(sessionId, 0, ['app2', 'db', 'user'], { type: 'str', text: 'mallory' });
    const external = `${readFileSync(file, 'utf8')}# edited elsewhere\n`;
    writeFileSync(file, external);
    await expect(s.save(sessionId)).rejects.toMatchObject({ code: 'FILE_CHANGED', message: expect.stringContaining('changed on disk') });
    expect(readFileSync(file, 'utf8')).toBe(external);
    expect(readdirSync(dir)).toEqual(['example.yaml']);
  });

  it('keeps plaintext in memory only: nothing in the temp folder or the repository holds it during an edit', async () => {
    const marker = Buffer.from(`flakedeck-plaintext-${randomBytes(12).toString('hex')}`);
    const s = sessions();
    const { sessionId } = await s.open({ file });
    s.set(sessionId, 0, ['app2', 'db', 'password'], { type: 'str', text: marker.toString() });
    expect(filesHolding(tmpdir(), marker)).toEqual([]);
    await s.save(sessionId);
    expect(s.reveal(sessionId, 0, ['app2', 'db', 'password']).text).toBe(marker.toString());
    expect(filesHolding(tmpdir(), marker)).toEqual([]);
    expect(filesHolding(resolve(import.meta.dirname, '..', '..'), marker)).toEqual([]);
    s.close(sessionId);
    expect(() => s.view(sessionId)).toThrow(/session is closed/);
  });

  it('opens a file whose MAC fails only when allowed, read-only', async () => {
    writeFileSync(file, readFileSync(file, 'utf8').replace('all: going to remain in clear text', 'all: tampered'));
    await expect(sessions().open({ file })).rejects.toMatchObject({ code: 'MAC_MISMATCH' });
    const s = sessions();
    const view = await s.open({ file, allowMacFailure: true });
    expect(view.readOnly).toBe(true);
    expect(() => s.set(view.sessionId, 0, ['myapp1'], { type: 'str', text: 'x' })).toThrow(/read-only/);
    await expect(s.save(view.sessionId)).rejects.toMatchObject({ code: 'READ_ONLY' });
  });

  it('says which key is missing when no identity can decrypt the file', async () => {
    const other = await generateX25519Identity();
    const s = new EditorSessions(async () => [other]);
    await expect(s.open({ file })).rejects.toMatchObject({ code: 'NO_IDENTITY', hint: expect.stringContaining('age1yt3tf') });
  });
});
