// "Make this repository yours" on a copy of the repository, with a real Secret Service: plan, write, refusals.

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { verify } from 'unixcrypt';
import { join, relative } from 'node:path';
import { startWorkerThread } from '../child-module.ts';
import { KeyService } from '../keys/key-service.ts';
import { KeytarKeychain } from '../keys/keychain.ts';
import { sshPrivateKeyToAge } from '../keys/ssh-to-age.ts';
import { MakeYours, demoKeyLabel } from './make-yours.ts';
import { decryptFile } from './file-operations.ts';
import { listSecretFiles } from './recipients-view.ts';
import type { SopsRequest } from './sops-jobs.ts';
import { SopsThread } from './sops-thread.ts';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { repositorySecretsFiles } from '../../tests/support/repository-copy.ts';
import { demoAdminIdentity } from '../../tests/support/secrets-flake.ts';
import { demoSecretNeedles } from '../../tests/support/demo-secret-values.ts';

const noBus = !process.env.DBUS_SESSION_BUS_ADDRESS;
if (noBus) console.warn('make-yours tests skipped: run inside scripts/with-secret-service.sh for a real Secret Service');

const demoAdmin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';
const demoVps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';
const secretFiles = ['common.yaml', 'desktop.yaml', 'homelab.yaml', 'laptop.yaml', 'vps.yaml'].map((f) => `secrets/${f}`);
const hostKeyDir = mkdtempSync(join(tmpdir(), 'flakedeck-hostkey-'));
afterAll(() => rmSync(hostKeyDir, { recursive: true, force: true }));

/** A fresh ed25519 host key, as `ssh-keygen` makes it for a real machine. */
function newHostKey(name: string): { publicLine: string; ageIdentity: string } {
  const file = join(hostKeyDir, `${name}-${randomBytes(4).toString('hex')}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name} real host key`, '-f', file]);
  return {
    publicLine: readFileSync(`${file}.pub`, 'utf8').trim(),
    ageIdentity: sshPrivateKeyToAge(readFileSync(file, 'utf8')),
  };
}

const hostNames = ['desktop', 'laptop', 'vps', 'homelab'];
/** A real key for every host: make-yours refuses to leave a host on its published demo key. */
function realHostKeys(): Record<string, string> {
  return Object.fromEntries(hostNames.map((host) => [host, newHostKey(host).publicLine]));
}

/** The user's own login key and new password, which replace the published demo login key and password. */
const myLoginKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPYpjrFpJy6VWPTvYiwSDHUFhj3qQJkOgez8XM70tnjA me@laptop';
const login = { loginKeys: [myLoginKey], password: 'correct horse battery staple' };

/** Plaintext of a file with the given identity, or null when it does not open. */
async function plaintext(path: string, identity: string): Promise<string | null> {
  try {
    const opened = await decryptFile(path, { identities: [identity] });
    return new TextDecoder().decode(opened.store.writePlain(opened.plaintext));
  } catch {
    return null;
  }
}

describe.skipIf(noBus)('make this repository yours, on a copy of the repository, with a real Secret Service', () => {
  let repo: FlakeRepo;
  let keys: KeyService;
  let makeYours: MakeYours;
  let me: { label: string; publicKey: string };
  let before: Record<string, string>;

  beforeEach(async () => {
    repo = makeFlakeRepo(repositorySecretsFiles(), 'flakedeck-make-yours-');
    // Its own keychain service: other test files share this Secret Service.
    keys = new KeyService(new KeytarKeychain(`flakedeck-test-${randomBytes(6).toString('hex')}`));
    makeYours = new MakeYours(() => repo.path, keys);
    me = await keys.generate('me');
    before = Object.fromEntries(
      ['.sops.yaml', ...secretFiles].map((f) => [f, readFileSync(join(repo.path, f), 'utf8')]),
    );
  });
  afterEach(async () => {
    for (const k of await keys.list()) await keys.delete(k.label, k.publicKey);
    repo.remove();
  });

  const unchanged = () => {
    for (const [file, text] of Object.entries(before)) expect(readFileSync(join(repo.path, file), 'utf8')).toBe(text);
  };

  it('refuses, before writing anything, when the files do not open with the keys at hand', async () => {
    const plan = await makeYours.plan({ identity: 'me' });
    expect(plan.files.map((f) => f.file)).toEqual(secretFiles);
    expect(plan.files.every((f) => f.opensWith === undefined)).toBe(true);
    expect(plan.blockers).toHaveLength(4 + 1 + 5);
    expect(plan.blockers.slice(0, 4)).toEqual(
      [...hostNames].sort().map((host) =>
        expect.stringMatching(
          new RegExp(`^${host} still has the published demo host key in hosts/${host}/ssh_host_ed25519_key\\.pub: .*ssh-keyscan.*ssh-keygen -t ed25519`),
        ),
      ),
    );
    expect(plan.blockers[4]).toMatch(/^nix\/users\/alice\.authorized_keys:1 lets anyone with the published demo login key log in/);
    expect(plan.blockers[5]).toMatch(/secrets\/common\.yaml does not open: .*The demo admin key of this repository may open it/);
    expect(plan.demoKey).toEqual({ file: 'tests/demo-keys/admin.age-key.DEMO.txt', publicKey: demoAdmin });
    await expect(makeYours.apply({ identity: 'me' }, plan.fingerprint)).rejects.toMatchObject({
      message: expect.stringMatching(/^Nothing was written/),
    });
    unchanged();
  });

  it("plans the new recipients with the demo key's help, and writes nothing", async () => {
    const vps = newHostKey('vps');
    const hostKeys = { ...realHostKeys(), vps: vps.publicLine };
    const plan = await makeYours.plan({ identity: 'me', useDemoKey: true, hostKeys, ...login });
    expect(plan.blockers).toEqual([]);
    expect(plan.login).toEqual({
      keyFiles: [{ file: 'nix/users/alice.authorized_keys', lines: [1], writes: true }],
      passwordHashes: [{ file: 'secrets/common.yaml', key: 'user/alice/password-hash', demo: true, writes: true }],
    });
    expect(plan.you).toEqual(me);
    expect(plan.anchors.map((a) => [a.anchor, a.role, a.demo])).toEqual([
      ['admin', 'you', false],
      ['desktop', 'host', false],
      ['laptop', 'host', false],
      ['vps', 'host', false],
      ['homelab', 'host', false],
    ]);
    expect(plan.anchors[0]).toMatchObject({ from: [demoAdmin], to: [me.publicKey] });
    expect(plan.configLines.map((c) => c.line)).toEqual([9, 10, 11, 12, 13]);
    expect(plan.configLines[0]).toEqual({ line: 9, before: `  - &admin ${demoAdmin}`, after: `  - &admin ${me.publicKey}` });
    expect(plan.configLines[3]).toEqual({
      line: 12,
      before: `  - &vps ${demoVps}`,
      after: expect.stringMatching(/^ {2}- &vps age1[0-9a-z]{58}$/),
    });
    expect(plan.hosts.find((h) => h.host === 'vps')).toMatchObject({ from: demoVps, writes: true, demo: false });
    expect(plan.files.every((f) => f.opensWith === 'demo')).toBe(true);
    expect(plan.files.find((f) => f.file === 'secrets/vps.yaml')!.to.map((r) => r.name)).toEqual(['admin', 'vps']);
    expect(plan.warnings).toEqual([
      expect.stringMatching(/demo admin key \(tests\/demo-keys\/admin\.age-key\.DEMO\.txt\) opens 5 of the files for this run only/),
    ]);
    // Every other published value: generated anew where any random value works, a placeholder where only the user
    // has the real one.
    const values = Object.fromEntries(plan.values.map((v) => [`${v.file} ${v.key}`, v.action]));
    expect(values).toEqual({
      'secrets/desktop.yaml restic/repository': 'fill-in',
      'secrets/desktop.yaml restic/password': 'generated',
      'secrets/desktop.yaml restic/ssh-key': 'generated',
      'secrets/desktop.yaml nix/access-tokens': 'fill-in',
      'secrets/homelab.yaml restic/repository': 'fill-in',
      'secrets/homelab.yaml restic/password': 'generated',
      'secrets/homelab.yaml restic/ssh-key': 'generated',
      'secrets/homelab.yaml acme/dns-api-token': 'fill-in',
      'secrets/homelab.yaml vaultwarden/admin-token': 'generated',
      'secrets/homelab.yaml grafana/admin-password': 'generated',
      'secrets/homelab.yaml grafana/secret-key': 'generated',
      'secrets/laptop.yaml restic/repository': 'fill-in',
      'secrets/laptop.yaml restic/password': 'generated',
      'secrets/laptop.yaml restic/ssh-key': 'generated',
      'secrets/laptop.yaml wifi/home-psk': 'fill-in',
      'secrets/laptop.yaml nix/access-tokens': 'fill-in',
      'secrets/vps.yaml restic/repository': 'fill-in',
      'secrets/vps.yaml restic/password': 'generated',
      'secrets/vps.yaml restic/ssh-key': 'generated',
    });
    expect(plan.values.filter((v) => v.publicKey).map((v) => v.publicKey)).toEqual(
      Array.from({ length: 4 }, () => expect.stringMatching(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\S+ restic@\w+$/)),
    );
    unchanged();
    expect(readdirSync(join(repo.path, 'secrets')).filter((f) => f.includes('flakedeck'))).toEqual([]);
  });

  it('opens and rotates every file on the sops worker thread, not on the thread that answers the window', async () => {
    // The real worker, with what is sent to it written down: each job's name and the file it works on.
    const jobs: string[] = [];
    const thread = new SopsThread({
      launch: (path) => {
        const worker = startWorkerThread(path);
        return {
          ...worker,
          send(message, transfer) {
            const { name, args } = message as SopsRequest;
            const file = name === 'list' ? undefined : name === 'rekey' ? args[3] : (args[2] as { file: string }).file;
            jobs.push(file === undefined ? name : `${name} ${relative(repo.path, file as string)}`);
            worker.send(message, transfer);
          },
        };
      },
    });
    const plan = await new MakeYours(() => repo.path, keys, thread).plan({
      identity: 'me',
      useDemoKey: true,
      hostKeys: realHostKeys(),
      ...login,
    });
    expect(plan.blockers).toEqual([]);
    // Each file: the keychain's keys tried first, then the demo key that opens it; then its new keys, read back.
    expect(jobs).toEqual(['list', ...secretFiles.flatMap((f) => [`open ${f}`, `open ${f}`, `rekey ${f}`])]);
  });

  it('rewrites .sops.yaml and rotates every file to the new keys; the demo keys open nothing afterwards', async () => {
    const vps = newHostKey('vps');
    const hostKeys = { ...realHostKeys(), vps: `vps.example.org ${vps.publicLine}` };
    const choices = { identity: 'me', useDemoKey: true, hostKeys, ...login };
    // Before: the secrets list says which recipients are published demo keys, i.e. readable by anyone.
    const demoNames = async () =>
      Object.fromEntries(
        (await listSecretFiles(repo.path)).files.map((f) => [f.file, f.recipients.filter((r) => r.demo).map((r) => r.name)]),
      );
    expect((await demoNames())['secrets/vps.yaml']).toEqual(['admin', 'vps']);
    const plan = await makeYours.plan(choices);
    const report = await makeYours.apply(choices, plan.fingerprint);
    // After: every key is real.
    expect(Object.values(await demoNames()).flat()).toEqual([]);

    expect(report.written).toEqual([
      '.sops.yaml',
      ...['desktop', 'homelab', 'laptop', 'vps'].map((h) => `hosts/${h}/ssh_host_ed25519_key.pub`),
      'nix/users/alice.authorized_keys',
      ...secretFiles,
    ]);
    expect(readFileSync(join(repo.path, 'nix/users/alice.authorized_keys'), 'utf8')).toBe(`${myLoginKey}\n`);
    expect(report.files).toEqual(
      secretFiles.map((file) => ({ file, opensWithYourKey: true, demoKeyLockedOut: true })),
    );
    const config = readFileSync(join(repo.path, '.sops.yaml'), 'utf8');
    const newVps = plan.anchors.find((a) => a.anchor === 'vps')!.to[0]!;
    expect(config).toContain(`- &admin ${me.publicKey}`);
    expect(config).toContain(`- &vps ${newVps}`);
    expect(config.replace(/age1[0-9a-z]{58}/g, 'AGE')).toBe(before['.sops.yaml']!.replace(/age1[0-9a-z]{58}/g, 'AGE'));
    expect(readFileSync(join(repo.path, 'hosts/vps/ssh_host_ed25519_key.pub'), 'utf8')).toBe(`${vps.publicLine}\n`);

    const mine = await keys.identity('me');
    const demoValues = await demoSecretNeedles();
    expect(demoValues.length).toBeGreaterThan(20);
    for (const file of secretFiles) {
      const path = join(repo.path, file);
      // The same keys, every value new (the password's hash, new random values, placeholders), a new data key:
      // nothing of the old file is left in the new one.
      const now = (await plaintext(path, mine))!;
      const old = (await plaintextOf(before[file]!, file))!;
      const keysOf = (text: string) => text.split('\n').map((line) => /^\s*([\w-]+):/.exec(line)?.[1]).filter(Boolean);
      expect(keysOf(now)).toEqual(keysOf(old));
      const hash = /password-hash: (\S+)/.exec(now)?.[1];
      if (hash) expect(verify(login.password, hash)).toBe(true);
      for (const value of demoValues) expect(now, `${file} still holds ${value}`).not.toContain(value);
      expect(await plaintext(path, demoAdminIdentity())).toBeNull();
      expect(readFileSync(path, 'utf8')).not.toContain('data:' + before[file]!.match(/data:([^,]+)/)![1]);
    }
    const homelab = (await plaintext(join(repo.path, 'secrets/homelab.yaml'), mine))!;
    expect(homelab).toMatch(/admin-password: [\w-]{43}\n/);
    expect(homelab).toMatch(/secret-key: [0-9a-f]{64}\n/);
    expect(homelab).toContain('dns-api-token: FILL-IN-dns-api-token\n');
    expect((await plaintext(join(repo.path, 'secrets/laptop.yaml'), mine))!).toContain(
      "access-tokens: '# FILL IN: access-tokens = …'",
    );
    // The report lists what is left to the user: the placeholders, and the new SSH keys to authorize.
    expect(report.values.filter((v) => v.action === 'fill-in')).toHaveLength(8);
    const sshKey = report.values.find((v) => v.file === 'secrets/vps.yaml' && v.key === 'restic/ssh-key')!;
    const vpsPlain = (await plaintext(join(repo.path, 'secrets/vps.yaml'), mine))!;
    const privateKey = /-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]+?-----END OPENSSH PRIVATE KEY-----/.exec(vpsPlain)![0];
    const keyFile = join(hostKeyDir, `restic-${randomBytes(4).toString('hex')}`);
    writeFileSync(keyFile, `${privateKey.replace(/\n\s+/g, '\n')}\n`, { mode: 0o600 });
    // ssh-keygen reads the new key, and it is the one whose public half the report gives.
    expect(execFileSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' }).trim()).toBe(sshKey.publicKey);
    // The vps, with its real key, reads its own file and the common one, and nothing else.
    expect(await plaintext(join(repo.path, 'secrets/vps.yaml'), vps.ageIdentity)).toContain('restic');
    expect(await plaintext(join(repo.path, 'secrets/common.yaml'), vps.ageIdentity)).toContain('alice');
    expect(await plaintext(join(repo.path, 'secrets/laptop.yaml'), vps.ageIdentity)).toBeNull();
    // The demo key was used for this run only.
    expect((await keys.list()).map((k) => k.label)).toEqual(['me']);
  });

  it('refuses when a file changed after the plan was shown', async () => {
    const choices = { identity: 'me', useDemoKey: true, ...login };
    const plan = await makeYours.plan(choices);
    appendFileSync(join(repo.path, 'secrets/vps.yaml'), '# edited meanwhile\n');
    before['secrets/vps.yaml'] += '# edited meanwhile\n';
    await expect(makeYours.apply(choices, plan.fingerprint)).rejects.toMatchObject({ code: 'FILE_CHANGED' });
    unchanged();
  });

  it('refuses a .sops.yaml without anchors, and a key for a host the flake does not have', async () => {
    writeFileSync(
      join(repo.path, '.sops.yaml'),
      `creation_rules:\n  - path_regex: secrets/.*\n    age: ${demoAdmin},${demoVps}\n`,
    );
    const plan = await makeYours.plan({ identity: 'me', useDemoKey: true });
    expect(plan.blockers).toContain(
      '.sops.yaml names no recipient with a YAML anchor (`- &admin age1…`); Flakedeck replaces anchored recipients only.',
    );
    await expect(makeYours.plan({ identity: 'me', hostKeys: { mars: newHostKey('mars').publicLine } })).rejects.toMatchObject(
      { code: 'UNKNOWN_HOST' },
    );
    await expect(makeYours.plan({ identity: 'me', hostKeys: { vps: 'ssh-rsa AAAAB3Nza vps' } })).rejects.toMatchObject({
      code: 'INVALID_KEY',
      message: expect.stringMatching(/^The key given for vps: A ssh-rsa key cannot be converted to age/),
    });
  });

  it('keeps the demo key in the keychain only when asked, and refuses a demo key as yours', async () => {
    const choices = { identity: 'me', useDemoKey: true, hostKeys: realHostKeys(), ...login };
    const report = await makeYours.apply(choices, (await makeYours.plan(choices)).fingerprint, true);
    expect(report.keptDemoKey).toEqual({ label: demoKeyLabel, publicKey: demoAdmin });
    const plan = await makeYours.plan({ identity: demoKeyLabel });
    expect(plan.blockers[0]).toMatch(/"demo-admin" is a published demo key/);
  });

  it('refuses a demo login key or a short password as yours, and plans no login change without them', async () => {
    const demoLogin = readFileSync(join(repo.path, 'nix/users/alice.authorized_keys'), 'utf8').trim();
    await expect(makeYours.plan({ identity: 'me', useDemoKey: true, loginKeys: [demoLogin] })).rejects.toMatchObject({
      code: 'INVALID_KEY',
      message: expect.stringMatching(/published demo key/),
    });
    await expect(makeYours.plan({ identity: 'me', useDemoKey: true, loginKeys: ['hello'] })).rejects.toMatchObject({
      code: 'INVALID_KEY',
    });
    await expect(makeYours.plan({ identity: 'me', useDemoKey: true, password: 'short' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENTS',
    });
    const plan = await makeYours.plan({ identity: 'me', useDemoKey: true, hostKeys: realHostKeys() });
    expect(plan.blockers).toEqual([
      'nix/users/alice.authorized_keys:1 lets anyone with the published demo login key log in: give your SSH public key to replace it.',
      'secrets/common.yaml holds the password hash user/alice/password-hash, readable by anyone with the published demo keys: give a new password.',
    ]);
    expect(plan.login.passwordHashes).toEqual([
      { file: 'secrets/common.yaml', key: 'user/alice/password-hash', demo: true, writes: false },
    ]);
  });
});

/** The plaintext of the repository's original file, opened with the demo admin key. */
async function plaintextOf(text: string, file: string): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'flakedeck-original-'));
  try {
    const path = join(dir, file.split('/').at(-1)!);
    appendFileSync(path, text);
    return await plaintext(path, demoAdminIdentity());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
