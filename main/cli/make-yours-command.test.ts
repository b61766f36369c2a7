// `flakedeck make-yours` on a copy of the repository, with a real Secret Service: the plan alone writes nothing,
// --yes writes it, and bad arguments say what is wrong.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from 'unixcrypt';
import { KeyService } from '../keys/key-service.ts';
import { KeytarKeychain } from '../keys/keychain.ts';
import { sshPrivateKeyToAge } from '../keys/ssh-to-age.ts';
import { decryptFile } from '../secrets/file-operations.ts';
import { awkwardPrefix, makeFlakeRepo, repoRoot } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { secretsHostsFlake } from '../../tests/support/repository-copy.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';
import { demoAdminIdentity } from '../../tests/support/secrets-flake.ts';
import { demoSecretNeedles } from '../../tests/support/demo-secret-values.ts';

const noBus = !process.env.DBUS_SESSION_BUS_ADDRESS;
const secretFiles = ['common.yaml', 'desktop.yaml', 'homelab.yaml', 'laptop.yaml', 'vps.yaml'].map(
  (f) => `secrets/${f}`,
);

/** The published demo value of a secret, from the plaintext specification secrets/layout.json. */
function layoutDemo(file: string, key: string): string {
  const layout = JSON.parse(readFileSync(join(repoRoot, 'secrets', 'layout.json'), 'utf8')) as Record<
    string,
    Record<string, { demo: string }>
  >;
  return layout[file]![key]!.demo;
}

async function opens(path: string, identity: string): Promise<boolean> {
  return decryptFile(path, { identities: [identity] }).then(
    () => true,
    () => false,
  );
}

describe.skipIf(noBus)('flakedeck make-yours', () => {
  // A keychain service of its own (other test files share this Secret Service), given to the command as the app's.
  const keychain = new KeytarKeychain(`flakedeck-test-cli-${randomBytes(4).toString('hex')}`);
  const keys = new KeyService(keychain);
  const label = 'me';
  const flakedeck = (args: string[]) => runCliInProcess(args, {}, { keychain });
  let repo: FlakeRepo;
  let scratch: string;

  beforeEach(() => {
    repo = makeFlakeRepo(secretsHostsFlake(), `${awkwardPrefix}make-yours-`);
    scratch = mkdtempSync(join(tmpdir(), 'flakedeck-cli-hostkey-'));
  });
  afterEach(async () => {
    for (const k of await keys.list()) await keys.delete(k.label, k.publicKey);
    repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A fresh ed25519 key pair in the scratch folder, as ssh-keygen makes it; returns the private key's path. */
  const sshKey = (name: string) => {
    const file = join(scratch, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
    return file;
  };
  const hosts = ['desktop', 'laptop', 'vps', 'homelab'];
  const password = 'correct horse battery staple';

  it('prints the plan and writes nothing without --yes; with --yes, rotates every file to the new keys', async () => {
    const me = await keys.generate(label);
    const hostKeyArgs = hosts.flatMap((host) => ['--host-key', `${host}=${sshKey(host)}.pub`]);
    const loginKey = sshKey('me-login');
    const passwordFile = join(scratch, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const before = readFileSync(join(repo.path, '.sops.yaml'), 'utf8');
    const args = [
      'make-yours',
      '--key',
      label,
      '--use-demo-key',
      ...hostKeyArgs,
      '--login-key',
      `${loginKey}.pub`,
      '--password-file',
      passwordFile,
      '--flake',
      repo.path,
    ];

    const plan = await flakedeck(args);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`Your key: ${label} ${me.publicKey}`);
    expect(plan.stdout).toContain(`  line 9\n    now:   - &admin age1qn0qp2`);
    expect(plan.stdout).toContain(`    after: - &admin ${me.publicKey}\n`);
    expect(plan.stdout).toContain('  vps: hosts/vps/ssh_host_ed25519_key.pub gets the key given');
    expect(plan.stdout).toContain('  desktop: hosts/desktop/ssh_host_ed25519_key.pub gets the key given');
    expect(plan.stdout).toContain(
      '  nix/users/alice.authorized_keys:1: the published demo login key is replaced by yours',
    );
    expect(plan.stdout).toContain('  secrets/common.yaml user/alice/password-hash: gets the hash of your new password');
    expect(plan.stdout).toContain('  secrets/vps.yaml: admin, vps, opened with the demo admin key');
    expect(plan.stdout).toContain('Published demo values:\n');
    expect(plan.stdout).toContain('  secrets/homelab.yaml grafana/admin-password: a new random value\n');
    expect(plan.stdout).toContain('  secrets/laptop.yaml wifi/home-psk: a placeholder, fill it in\n');
    expect(plan.stdout).toContain('  secrets/vps.yaml restic/ssh-key: a new SSH key\n');
    expect(plan.stderr).toContain('Nothing was written. Run again with --yes');
    expect(readFileSync(join(repo.path, '.sops.yaml'), 'utf8')).toBe(before);

    const applied = await flakedeck([...args, '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    const hostKeyFiles = ['desktop', 'homelab', 'laptop', 'vps'].map((h) => `hosts/${h}/ssh_host_ed25519_key.pub`);
    expect(applied.stdout).toContain(
      `Written: .sops.yaml, ${hostKeyFiles.join(', ')}, nix/users/alice.authorized_keys, ${secretFiles.join(', ')}`,
    );
    expect(applied.stdout).toContain('  secrets/common.yaml: opens with your key; the demo key no longer opens it');
    expect(applied.stdout).toContain(
      "To fill in before the first deploy (the app's Secrets editor, or sops FILE):\n  secrets/desktop.yaml restic/repository\n",
    );
    expect(applied.stdout).toContain('  secrets/homelab.yaml acme/dns-api-token\n');
    expect(applied.stdout).toMatch(
      /New SSH keys: authorize each public half where it logs in:\n {2}secrets\/desktop\.yaml restic\/ssh-key: ssh-ed25519 AAAA\S+ restic@desktop\n/,
    );
    expect(readFileSync(join(repo.path, '.sops.yaml'), 'utf8')).toContain(`- &admin ${me.publicKey}`);
    const mine = await keys.identity(label);
    for (const file of secretFiles) {
      expect(await opens(join(repo.path, file), mine), file).toBe(true);
      expect(await opens(join(repo.path, file), demoAdminIdentity()), file).toBe(false);
    }

    // No published demo material that grants access is left: every demo identity (the admin's age key, each
    // host's SSH key as sops-nix converts it) opens no secret file, no file outside tests/demo-keys names a
    // demo recipient, a demo host or login public key, or holds the demo password hash, and no secret file, decrypted
    // with your key, holds any value the repository shipped (every one of them was readable with the demo keys).
    const demoFolder = join(repo.path, 'tests', 'demo-keys');
    const demoPrivate = readdirSync(demoFolder).filter((f) => f.endsWith('.DEMO'));
    expect(demoPrivate.length).toBe(5);
    const demoPublicKeys = demoPrivate.map((f) => {
      // ssh-keygen reads a private key only from a file no one else may read.
      const copy = join(scratch, f);
      writeFileSync(copy, readFileSync(join(demoFolder, f)), { mode: 0o600 });
      const publicLine = execFileSync('ssh-keygen', ['-y', '-f', copy], { encoding: 'utf8' });
      return publicLine.trim().split(' ')[1]!;
    });
    const demoRecipients = Object.values(
      JSON.parse(readFileSync(join(demoFolder, 'recipients.json'), 'utf8')) as Record<string, string>,
    );
    const demoHash = layoutDemo('common.yaml', 'user/alice/password-hash');
    const needles = [...demoPublicKeys, ...demoRecipients, demoHash];
    expect(needles.length).toBe(5 + 5 + 1);
    const demoValues = await demoSecretNeedles();
    expect(demoValues).toEqual(expect.arrayContaining([layoutDemo('homelab.yaml', 'grafana/secret-key')]));
    // secrets/layout.json is the plaintext specification that lists the published demo values; no host reads it.
    const files = readdirSync(repo.path, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && !d.parentPath.startsWith(demoFolder) && !d.parentPath.includes('.git'))
      .map((d) => join(d.parentPath, d.name))
      .filter((file) => file !== join(repo.path, 'secrets', 'layout.json'));
    expect(files.length).toBeGreaterThan(10);
    // In plain files, a value as short as Grafana's demo password "demo" is a word like any other (tests/demo-keys).
    const distinctive = [...needles, ...demoValues].filter((needle) => needle.length >= 8);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const needle of distinctive) expect(text.includes(needle), `${file} holds ${needle}`).toBe(false);
    }
    for (const file of secretFiles) {
      const opened = await decryptFile(join(repo.path, file), { identities: [mine] });
      const text = new TextDecoder().decode(opened.store.writePlain(opened.plaintext));
      for (const needle of [...needles, ...demoValues])
        expect(text.includes(needle), `${file} holds ${needle}`).toBe(false);
    }
    for (const file of secretFiles) {
      for (const demo of demoPrivate.filter((f) => f.includes('ssh_host'))) {
        const identity = sshPrivateKeyToAge(readFileSync(join(demoFolder, demo), 'utf8'));
        expect(await opens(join(repo.path, file), identity), `${demo} opens ${file}`).toBe(false);
      }
    }
    // alice logs in with the key and the password given, and nothing else.
    expect(readFileSync(join(repo.path, 'nix/users/alice.authorized_keys'), 'utf8')).toBe(
      readFileSync(`${loginKey}.pub`, 'utf8'),
    );
    const common = await decryptFile(join(repo.path, 'secrets/common.yaml'), { identities: [mine] });
    const hash = /password-hash: (\S+)/.exec(new TextDecoder().decode(common.store.writePlain(common.plaintext)))?.[1];
    expect(hash).toMatch(/^\$6\$/);
    expect(verify(password, hash!)).toBe(true);
    expect(verify('demo', hash!)).toBe(false);
  });

  it('exits non-zero, writing nothing, when no key at hand opens the files, or the arguments are wrong', async () => {
    await keys.generate(label);
    const before = readFileSync(join(repo.path, 'secrets/vps.yaml'), 'utf8');
    const blocked = await flakedeck(['make-yours', '--key', label, '--flake', repo.path, '--yes']);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/Blockers:\n(?: {2}- .*\n)* {2}- secrets\/common\.yaml does not open/);
    expect(blocked.stderr).toContain('nothing was written');
    expect(readFileSync(join(repo.path, 'secrets/vps.yaml'), 'utf8')).toBe(before);

    const noKey = await flakedeck(['make-yours', '--flake', repo.path]);
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr).toContain('Name your key with --key LABEL.');
    const badPair = await flakedeck(['make-yours', '--key', label, '--host-key', 'vps', '--flake', repo.path]);
    expect(badPair.code).not.toBe(0);
    expect(badPair.stderr).toContain('--host-key takes HOST=FILE, not "vps".');
    const unknownHost = await flakedeck([
      'make-yours',
      '--key',
      label,
      '--host-key',
      `mars=${join(repo.path, 'hosts/vps/ssh_host_ed25519_key.pub')}`,
      '--flake',
      repo.path,
    ]);
    expect(unknownHost.code).not.toBe(0);
    expect(unknownHost.stderr).toMatch(/mars/);
  });
});
