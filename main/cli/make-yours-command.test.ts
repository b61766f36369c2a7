// `flakedeck make-yours` on a copy of the repository, with a real Secret Service: the plan alone writes nothing,
// --yes writes it, and bad arguments say what is wrong.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyService } from '../keys/key-service.ts';
import { KeytarKeychain } from '../keys/keychain.ts';
import { decryptFile } from '../secrets/file-operations.ts';
import { awkwardPrefix, makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { secretsHostsFlake } from '../../tests/support/repository-copy.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';
import { demoAdminIdentity } from '../../tests/support/secrets-flake.ts';

const noBus = !process.env.DBUS_SESSION_BUS_ADDRESS;
const secretFiles = ['common.yaml', 'desktop.yaml', 'homelab.yaml', 'laptop.yaml', 'vps.yaml'].map(
  (f) => `secrets/${f}`,
);

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

  it('prints the plan and writes nothing without --yes; with --yes, rotates every file to the new keys', async () => {
    const me = await keys.generate(label);
    const keyFile = join(scratch, 'vps');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vps', '-f', keyFile]);
    const before = readFileSync(join(repo.path, '.sops.yaml'), 'utf8');
    const args = [
      'make-yours',
      '--key',
      label,
      '--use-demo-key',
      '--host-key',
      `vps=${keyFile}.pub`,
      '--flake',
      repo.path,
    ];

    const plan = await flakedeck(args);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`Your key: ${label} ${me.publicKey}`);
    expect(plan.stdout).toContain(`  line 9\n    now:   - &admin age1qn0qp2`);
    expect(plan.stdout).toContain(`    after: - &admin ${me.publicKey}\n`);
    expect(plan.stdout).toContain('  vps: hosts/vps/ssh_host_ed25519_key.pub gets the key given');
    expect(plan.stdout).toContain('  desktop: keeps its published demo key');
    expect(plan.stdout).toContain('  secrets/vps.yaml: admin, vps, opened with the demo admin key');
    expect(plan.stderr).toContain('Nothing was written. Run again with --yes');
    expect(readFileSync(join(repo.path, '.sops.yaml'), 'utf8')).toBe(before);

    const applied = await flakedeck([...args, '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(
      `Written: .sops.yaml, hosts/vps/ssh_host_ed25519_key.pub, ${secretFiles.join(', ')}`,
    );
    expect(applied.stdout).toContain('  secrets/common.yaml: opens with your key; the demo key no longer opens it');
    expect(readFileSync(join(repo.path, '.sops.yaml'), 'utf8')).toContain(`- &admin ${me.publicKey}`);
    const mine = await keys.identity(label);
    for (const file of secretFiles) {
      expect(await opens(join(repo.path, file), mine), file).toBe(true);
      expect(await opens(join(repo.path, file), demoAdminIdentity()), file).toBe(false);
    }
  });

  it('exits non-zero, writing nothing, when no key at hand opens the files, or the arguments are wrong', async () => {
    await keys.generate(label);
    const before = readFileSync(join(repo.path, 'secrets/vps.yaml'), 'utf8');
    const blocked = await flakedeck(['make-yours', '--key', label, '--flake', repo.path, '--yes']);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/Blockers:\n {2}- secrets\/common\.yaml does not open/);
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
