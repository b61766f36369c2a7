// "Make this repository yours" in Chromium, from your key to every file rotated.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from 'unixcrypt';
import { test, expect } from './fixtures.ts';
import { sshPrivateKeyToAge } from '../../main/keys/ssh-to-age.ts';
import { decryptFile } from '../../main/secrets/file-operations.ts';
import { secretsHostsFlake } from '../support/repository-copy.ts';
import { demoAdminIdentity } from '../support/secrets-flake.ts';
import { demoSecretNeedles } from '../support/demo-secret-values.ts';
import { startTestSshd } from '../support/test-sshd.ts';
import type { TestSshd } from '../support/test-sshd.ts';

test.skip(!process.env.DBUS_SESSION_BUS_ADDRESS, 'needs a Secret Service: run under scripts/with-secret-service.sh');
test.use({ flakeSource: secretsHostsFlake() });

const demoAdmin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';
const demoVps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';
const myLoginKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPYpjrFpJy6VWPTvYiwSDHUFhj3qQJkOgez8XM70tnjA me@laptop';
const password = 'correct horse battery staple';
const files = ['common.yaml', 'desktop.yaml', 'homelab.yaml', 'laptop.yaml', 'vps.yaml'].map((f) => `secrets/${f}`);

/** A fresh ed25519 host key's public line, as `ssh-keygen` makes it for a host to be installed. */
function newHostKey(host: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'flakedeck-e2e-hostkey-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', host, '-f', join(dir, 'key')]);
    return readFileSync(join(dir, 'key.pub'), 'utf8').trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the file opens (MAC checked) with the identity. */
async function opens(path: string, identity: string): Promise<boolean> {
  return decryptFile(path, { identities: [identity] }).then(
    () => true,
    () => false,
  );
}

test.describe('make this repository yours', () => {
  let sshd: TestSshd;
  test.beforeAll(async () => {
    // The "real" vps: a host with a key of its own, asked for it with ssh-keyscan.
    sshd = await startTestSshd();
  });
  test.afterAll(async () => {
    await sshd.stop();
  });

  test('generates your key, takes a host key from the host, shows the plan, writes it and rotates every file', async ({
    app,
    flakePath,
    harness,
  }, testInfo) => {
    const before = Object.fromEntries(
      ['.sops.yaml', ...files].map((f) => [f, readFileSync(join(flakePath, f), 'utf8')]),
    );
    await app.getByTestId('nav-secrets').click();
    // Until then, the list says that anyone with the repository reads every file, and for which keys.
    const demoWarning = app.getByTestId('demo-warning');
    await expect(demoWarning).toContainText('Every file can be read by anyone with this repository');
    await expect(demoWarning).toContainText('(admin, desktop, laptop, vps, homelab)');
    await expect(app.locator('[data-file="secrets/vps.yaml"] [data-testid="recipient"]')).toHaveText([
      'admindemo',
      'vpsdemo',
    ]);
    await app.screenshot({ path: testInfo.outputPath('secrets-demo-warning.png'), fullPage: true });
    await demoWarning.getByRole('button', { name: 'Make this repository yours…' }).click();
    const flow = app.getByTestId('make-yours-flow');

    // 1. Your key: generated into the keychain.
    await flow.getByLabel('Label of a new key').fill('me');
    await flow.getByRole('button', { name: 'Generate a new key' }).click();
    await expect(flow.getByRole('radio', { name: /^me / })).toBeChecked();
    const me = await harness.services.keys.publicKey('me');

    // 2. The vps's real key, from the host itself.
    const vpsRow = flow.locator('[data-testid="step-hosts"] tr[data-host="vps"]');
    await vpsRow.getByLabel('Address of vps').fill(`127.0.0.1:${sshd.port}`);
    await vpsRow.getByRole('button', { name: 'ssh-keyscan' }).click();
    await expect(vpsRow.getByLabel('Real host key of vps')).toHaveValue(/^ssh-ed25519 AAAA/);
    // The other hosts are not installed yet: their keys are made with ssh-keygen and pasted.
    for (const host of ['desktop', 'laptop', 'homelab']) {
      const row = flow.locator(`[data-testid="step-hosts"] tr[data-host="${host}"]`);
      await expect(row.getByTestId('demo-host')).toHaveText('demo key');
      await row.getByLabel(`Real host key of ${host}`).fill(newHostKey(host));
    }

    // 3. Your login: your SSH public key and a new password replace the published demo ones.
    const login = flow.getByTestId('step-login');
    await login.getByLabel('SSH public keys, one a line').fill(myLoginKey);
    await login.getByLabel('New password').fill('short');
    await expect(login.getByTestId('password-problem')).toContainText('At least 8 characters');
    await login.getByLabel('New password').fill(password);
    await login.getByLabel('Again').fill(`${password}!`);
    await expect(login.getByTestId('password-problem')).toHaveText('The two passwords differ.');
    await expect(flow.getByTestId('review-plan')).toBeDisabled();
    await login.getByLabel('Again').fill(password);
    await expect(login.getByTestId('password-problem')).toHaveCount(0);

    // 4. The plan: your keychain cannot open the files yet, so nothing can be written.
    await flow.getByTestId('review-plan').click();
    const plan = flow.getByTestId('make-yours-plan');
    await expect(plan.getByTestId('plan-blockers')).toContainText('secrets/common.yaml does not open');
    await expect(flow.getByTestId('apply-plan')).toBeDisabled();

    // The demo admin key opens them, for this run only.
    await flow.getByTestId('demo-key-option').getByRole('checkbox').first().check();
    await expect(flow.getByTestId('apply-plan')).toBeDisabled();
    await flow.getByTestId('review-plan').click();
    await expect(plan.getByTestId('plan-blockers')).toHaveCount(0);
    await expect(plan.locator('[data-anchor="admin"]')).toHaveAttribute('data-role', 'you');
    await expect(plan.locator('[data-anchor="vps"] td').nth(1)).toContainText('host key of vps');
    await expect(plan.getByTestId('plan-diff')).toContainText(`9 −   - &admin ${demoAdmin}`);
    await expect(plan.getByTestId('plan-diff')).toContainText(`9 +   - &admin ${me.publicKey}`);
    await expect(plan.getByTestId('plan-files').locator('tbody tr')).toHaveCount(5);
    await expect(plan.getByTestId('plan-files')).toContainText('the demo admin key');
    // Every published value is replaced: generated where any random value works, a placeholder where only you have it.
    const values = plan.getByTestId('plan-values');
    await expect(values.locator('tbody tr')).toHaveCount(19);
    await expect(
      values.locator('tr[data-file="secrets/homelab.yaml"][data-key="grafana/admin-password"]'),
    ).toHaveAttribute('data-action', 'generated');
    await expect(values.locator('tr[data-file="secrets/laptop.yaml"][data-key="wifi/home-psk"]')).toContainText(
      'a placeholder: only you have the real value, put it in',
    );
    await expect(plan.getByTestId('plan-login')).toContainText(
      'nix/users/alice.authorized_keys line 1: the published demo login key is replaced by yours',
    );
    await expect(plan.getByTestId('plan-login')).toContainText(
      'secrets/common.yaml user/alice/password-hash: the hash of your new password',
    );
    await expect(flow.getByTestId('apply-plan')).toHaveText('Write .sops.yaml and rotate 5 files');
    await app.screenshot({ path: testInfo.outputPath('make-yours-plan.png'), fullPage: true });
    await plan.screenshot({ path: testInfo.outputPath('make-yours-plan-detail.png') });
    // Nothing was written by planning.
    for (const [file, text] of Object.entries(before)) expect(readFileSync(join(flakePath, file), 'utf8')).toBe(text);

    // 5. Apply.
    await flow.getByTestId('apply-plan').click();
    const report = flow.getByTestId('make-yours-report');
    await expect(report).toContainText('Done: .sops.yaml rewritten and 5 files rotated', { timeout: 30_000 });
    // What is left to you: the placeholders to fill in, each a click from the editor, and the new SSH keys.
    const fillIn = report.getByTestId('to-fill-in');
    await expect(fillIn.locator('li')).toHaveCount(8);
    await expect(report.getByTestId('new-ssh-keys').locator('li')).toHaveCount(4);
    await expect(report.getByTestId('new-ssh-keys')).toContainText('secrets/vps.yaml restic/ssh-key: ssh-ed25519 AAAA');
    for (const file of files) {
      await expect(report.getByTestId('checked-files').locator(`li[data-file="${file}"]`)).toHaveText(
        `${file}: opens with your key, the demo key no longer opens it`,
      );
    }
    await expect(report).toContainText('The demo admin key was used for this run only; it is not in your keychain.');
    await report.screenshot({ path: testInfo.outputPath('make-yours-report.png') });

    // On disk: the anchors, and files only the new keys open.
    const config = readFileSync(join(flakePath, '.sops.yaml'), 'utf8');
    expect(config).toContain(`- &admin ${me.publicKey}`);
    expect(config).not.toContain(demoVps);
    const vpsIdentity = sshPrivateKeyToAge(readFileSync(join(sshd.dir, 'host_key'), 'utf8'));
    const mine = await harness.services.keys.identity('me');
    for (const file of files) {
      expect(await opens(join(flakePath, file), mine)).toBe(true);
      expect(await opens(join(flakePath, file), demoAdminIdentity())).toBe(false);
    }
    expect(await opens(join(flakePath, 'secrets/vps.yaml'), vpsIdentity)).toBe(true);
    expect(await opens(join(flakePath, 'secrets/laptop.yaml'), vpsIdentity)).toBe(false);
    expect((await harness.services.keys.list()).map((k) => k.label)).toEqual(['me']);
    expect(readFileSync(join(flakePath, 'nix/users/alice.authorized_keys'), 'utf8')).toBe(`${myLoginKey}\n`);
    const common = await decryptFile(join(flakePath, 'secrets/common.yaml'), { identities: [mine] });
    const hash = /password-hash: (\S+)/.exec(new TextDecoder().decode(common.store.writePlain(common.plaintext)))?.[1];
    expect(verify(password, hash ?? '')).toBe(true);

    // No value the repository shipped is left in any file.
    const demoValues = await demoSecretNeedles();
    for (const file of files) {
      const opened = await decryptFile(join(flakePath, file), { identities: [mine] });
      const text = new TextDecoder().decode(opened.store.writePlain(opened.plaintext));
      for (const value of demoValues) expect(text.includes(value), `${file} holds ${value}`).toBe(false);
    }

    // A placeholder opens in the editor with your key.
    await fillIn.locator('li[data-key="wifi/home-psk"]').getByRole('button', { name: 'Open in the editor' }).click();
    await expect(app.getByTestId('editor-file')).toHaveText('secrets/laptop.yaml');
    await app
      .locator('[data-testid="secret-node"][data-path="wifi/home-psk"] > .row')
      .getByRole('button', { name: 'Reveal' })
      .click();
    await expect(app.locator('[data-testid="secret-node"][data-path="wifi/home-psk"]')).toContainText(
      'FILL-IN-home-psk',
    );
    await app.screenshot({ path: testInfo.outputPath('make-yours-fill-in.png'), fullPage: true });

    // The secrets view shows the new readers; nothing of the flake is a demo key any more, so nothing offers it.
    await app.getByRole('button', { name: '← All files' }).click();
    const vpsFile = app.locator('[data-testid="secret-file"][data-file="secrets/vps.yaml"]');
    await expect(vpsFile.getByTestId('recipient').first()).toHaveAttribute('data-recipient', me.publicKey);
    await expect(vpsFile.getByTestId('recipient')).toHaveText(['admin', 'vps']);
    await expect(demoWarning).toHaveCount(0);
    await expect(app.getByTestId('make-yours')).toHaveCount(0);
  });
});
