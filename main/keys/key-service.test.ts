// The age keys in a real Secret Service through keytar, and a keychain that cannot be reached.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { KeyService } from './key-service.ts';
import { KeytarKeychain, keychainService, keychainUnavailable } from './keychain.ts';
import type { Keychain } from './keychain.ts';

const noBus = !process.env.DBUS_SESSION_BUS_ADDRESS;
const skipReason = 'no DBUS_SESSION_BUS_ADDRESS: run inside scripts/with-secret-service.sh for a real Secret Service';
if (noBus) console.warn(`keychain tests skipped: ${skipReason}`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flakedeck-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(noBus)('the age keys in a real Secret Service (keytar)', () => {
  const keys = new KeyService(new KeytarKeychain());

  // Other test files share this Secret Service: these tests use and look at their own labels only.
  const own = <T extends { label: string }>(list: T[]) => list.filter((k) => k.label.startsWith('ks-'));

  beforeAll(async () => {
    for (const k of own(await keys.list())) await keys.delete(k.label, k.publicKey);
  });

  it('is reachable', async () => {
    expect(await keys.status()).toMatchObject({ reachable: true });
  });

  it('generates an X25519 identity and lists only its label and public key', async () => {
    const made = await keys.generate('ks-laptop');
    expect(made.publicKey).toMatch(/^age1[0-9a-z]{58}$/);
    const status = await keys.status();
    expect(own(status.identities)).toEqual([made]);
    expect(JSON.stringify(status)).not.toContain('AGE-SECRET-KEY');
    const recipients = await Promise.all((await keys.identities()).map((i) => identityToRecipient(i)));
    expect(recipients).toContain(made.publicKey);
    await expect(keys.generate('ks-laptop')).rejects.toMatchObject({
      message: expect.stringContaining('already exists'),
    });
  });

  it('imports every identity of a key file, skips ones it has, and deletes the file only when asked', async () => {
    const [one, two] = [await generateX25519Identity(), await generateX25519Identity()];
    const file = join(dir, 'keys.txt');
    writeFileSync(file, `# created: 2026-01-01\n# public key: ...\n${one}\n\n${two}\n`, { mode: 0o600 });
    const first = await keys.importFile(file, 'ks-imported', false);
    expect(first.imported.map((k) => k.label)).toEqual(['ks-imported', 'ks-imported-2']);
    expect(first.imported.map((k) => k.publicKey)).toEqual([
      await identityToRecipient(one),
      await identityToRecipient(two),
    ]);
    expect(existsSync(file)).toBe(true);
    const again = await keys.importFile(file, 'ks-other', true);
    expect(again).toEqual({ imported: first.imported, deletedFile: true });
    expect(existsSync(file)).toBe(false);
    expect(own(await keys.list()).map((k) => k.label)).toEqual(['ks-imported', 'ks-imported-2', 'ks-laptop']);
  });

  it('hands the keys to a terminal child only as SOPS_AGE_KEY, when asked', async () => {
    const env = await keys.sopsEnvironment(['ks-laptop']);
    expect(env.SOPS_AGE_KEY).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    expect(await identityToRecipient(env.SOPS_AGE_KEY)).toBe((await keys.publicKey('ks-laptop')).publicKey);
  });

  it('deletes only with the matching public key as confirmation', async () => {
    const laptop = await keys.publicKey('ks-laptop');
    const other = await keys.publicKey('ks-imported');
    await expect(keys.delete('ks-laptop', other.publicKey)).rejects.toMatchObject({
      message: expect.stringContaining('nothing was deleted'),
    });
    expect((await keys.list()).some((k) => k.label === 'ks-laptop')).toBe(true);
    await keys.delete('ks-laptop', laptop.publicKey);
    expect((await keys.list()).some((k) => k.label === 'ks-laptop')).toBe(false);
    await expect(keys.delete('ks-laptop', laptop.publicKey)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('survives lists, stores and deletes running at once, as the window and a run ask at the same time', async () => {
    // Unserialised, keytar's findCredentials crashed this process within a few rounds (a deleted item's secret).
    const service = `flakedeck-test-race-${process.pid}`;
    const [a, b] = [new KeytarKeychain(service), new KeytarKeychain(service)];
    for (let round = 0; round < 60; round++) {
      await Promise.all([
        a.set('k', `x${round}`),
        b.list(),
        a.delete('k'),
        b.list(),
        b.set('k', `y${round}`),
        a.list(),
      ]);
    }
    expect(await a.list()).toEqual([{ account: 'k', secret: 'y59' }]);
    await a.delete('k');
  });

  it(`stores keys under the "${keychainService}" service, where other tools can find them`, async () => {
    const keytar = (await import('keytar')).default;
    const accounts = (await keytar.findCredentials(keychainService))
      .map((c) => c.account)
      .filter((a) => a.includes(':ks-'))
      .sort();
    expect(accounts).toEqual(['age-identity:ks-imported', 'age-identity:ks-imported-2']);
  });
});

describe('a keychain that cannot be reached', () => {
  /** Fails as KeytarKeychain does when keytar throws `message`. */
  const failing = (message: string): Keychain => {
    const fail = async () => {
      throw keychainUnavailable(new Error(message));
    };
    return { list: fail, get: fail, set: fail, delete: fail };
  };

  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /no D-Bus session/],
    ['The name org.freedesktop.secrets was not provided by any .service files', /No Secret Service/],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', /unlock your keyring/],
    ['No such secret item at path: /org/freedesktop/secrets/collection/login/23', /changed Flakedeck's keys/],
  ])('says what to do when keytar fails with "%s"', async (error, message) => {
    const status = await new KeyService(failing(error)).status();
    expect(status.reachable).toBe(false);
    expect(status.problem).toMatch(message);
  });

  it('reports the real keytar failure of a session without D-Bus as unreachable, with what to do', () => {
    const script = `import { KeyService } from ${JSON.stringify(join(import.meta.dirname, 'key-service.ts'))};
      process.stdout.write(JSON.stringify(await new KeyService().status()));`;
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    const status = JSON.parse(out) as { reachable: boolean; problem: string };
    expect(status.reachable).toBe(false);
    expect(status.problem).toMatch(/keychain|D-Bus|Secret Service/);
  });

  it("offers sops' own age key file for import when it exists", async () => {
    const config = mkdtempSync(join(tmpdir(), 'flakedeck-xdg-'));
    const keys = new KeyService(failing('Cannot autolaunch D-Bus without X11 $DISPLAY'));
    expect((await keys.status({ XDG_CONFIG_HOME: config })).sopsKeyFile).toBeUndefined();
    mkdirSync(join(config, 'sops', 'age'), { recursive: true });
    writeFileSync(join(config, 'sops', 'age', 'keys.txt'), `${await generateX25519Identity()}\n`);
    expect((await keys.status({ XDG_CONFIG_HOME: config })).sopsKeyFile).toBe(join(config, 'sops', 'age', 'keys.txt'));
    rmSync(config, { recursive: true, force: true });
  });

  it('never falls back to writing the key anywhere else', async () => {
    const home = mkdtempSync(join(tmpdir(), 'flakedeck-home-'));
    const before = readdirSync(home);
    const keys = new KeyService(failing('Cannot autolaunch D-Bus without X11 $DISPLAY'));
    await expect(keys.generate('x')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(readdirSync(home)).toEqual(before);
    rmSync(home, { recursive: true, force: true });
  });
});
