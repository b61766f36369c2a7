// Secrets files in Chromium: a flake without demo keys is not offered "make this repository yours"; a new secrets
// file is made by the creation rules of .sops.yaml; a file hosts read secrets from that is no sops file is named.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';
import { decryptFile } from '../../main/secrets/file-operations.ts';
import { decryptedBytes } from '../../main/secrets/sops-file.ts';
import { secretsHostsFlake } from '../support/repository-copy.ts';
import { demoAdminKeyFile } from '../support/secrets-flake.ts';

test.skip(!process.env.DBUS_SESSION_BUS_ADDRESS, 'needs a Secret Service: run under scripts/with-secret-service.sh');

test.describe('a flake without demo keys', () => {
  test.use({ flakeSource: 'four-hosts' });

  test('is not offered "make this repository yours", and gets a new secrets file by its creation rules', async ({
    app,
    flakePath,
    harness,
  }, testInfo) => {
    await app.getByTestId('nav-secrets').click();
    await expect(app.getByRole('heading', { name: 'This flake has no sops files under secrets/' })).toBeVisible();
    await expect(app.getByTestId('make-yours')).toHaveCount(0);
    await expect(app.getByTestId('demo-warning')).toHaveCount(0);
    // Asked for by its address, the flow says there is nothing to do instead of claiming demo keys.
    await app.goto(`${app.url().split('#')[0]}#secrets/make-yours`);
    await expect(app.getByTestId('no-demo-material')).toContainText('This flake uses no published demo key');
    await expect(app.getByTestId('step-identity')).toHaveCount(0);
    await app.getByRole('button', { name: '← Secrets' }).click();

    // Without .sops.yaml, no one would be named to read a new file.
    await app.getByTestId('new-file').click();
    const form = app.getByTestId('new-secret-file');
    const path = form.getByLabel('Path in the flake');
    await path.fill('secrets/web.yaml');
    await expect(form.getByTestId('new-file-refusal')).toContainText('has no .sops.yaml, so no one is named to read');

    const mine = await harness.services.keys.generate('mine');
    writeFileSync(
      join(flakePath, '.sops.yaml'),
      `keys:\n  - &mine ${mine.publicKey}\ncreation_rules:\n  - path_regex: ^secrets/apps/[a-z-]+\\.yaml$\n    key_groups:\n      - age:\n          - *mine\n`,
    );
    await path.fill('secrets/web.yaml');
    const refusal = form.getByTestId('new-file-refusal');
    await expect(refusal).toContainText(
      'No creation rule of .sops.yaml can encrypt secrets/web.yaml: no creation rule matches secrets/web.yaml.',
    );
    await expect(refusal).toContainText('^secrets/apps/[a-z-]+\\.yaml$');
    await expect(form.getByRole('button', { name: 'Create and open' })).toBeDisabled();
    await app.screenshot({ path: testInfo.outputPath('new-file-refused.png'), fullPage: true });

    await path.fill('secrets/apps/web.yaml');
    await expect(form.getByTestId('new-file-readers')).toHaveText(
      'Creation rule 1 of .sops.yaml (path_regex: ^secrets/apps/[a-z-]+\\.yaml$): readable by',
    );
    await expect(form.getByTestId('recipient')).toHaveText(['mine']);
    await form.getByLabel('First key').fill('admin-password');
    await form.getByLabel('Its value').fill('a first secret value');
    await app.screenshot({ path: testInfo.outputPath('new-file-form.png'), fullPage: true });
    await form.getByRole('button', { name: 'Create and open' }).click();

    await expect(app.getByTestId('editor-file')).toHaveText('secrets/apps/web.yaml');
    const node = app.locator('[data-testid="secret-node"][data-path="admin-password"]');
    await node.locator('> .row').getByRole('button', { name: 'Reveal' }).click();
    await expect(node.getByTestId('secret-value')).toHaveText('a first secret value');
    await app.screenshot({ path: testInfo.outputPath('new-file-opened.png'), fullPage: true });

    const file = join(flakePath, 'secrets/apps/web.yaml');
    expect(readFileSync(file, 'utf8')).not.toContain('a first secret value');
    const opened = await decryptFile(file, { identities: [await harness.services.keys.identity('mine')] });
    expect(new TextDecoder().decode(decryptedBytes(opened))).toBe('admin-password: a first secret value\n');
  });
});

test.describe('files hosts read secrets from', () => {
  test.use({ flakeSource: secretsHostsFlake() });

  test('a file that is no sops file is named in the checks, with what is wrong', async ({
    app,
    flakePath,
    harness,
  }, testInfo) => {
    await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
    // The laptop's file, decrypted and committed in plain text by mistake.
    writeFileSync(join(flakePath, 'secrets/laptop.yaml'), 'wifi:\n    home-psk: hunter22\n');
    await app.getByTestId('nav-secrets').click();
    await expect(app.getByTestId('secret-file')).toHaveCount(4);
    await app.getByRole('button', { name: 'Run checks' }).click();
    const notSops = app.getByTestId('check-not-sops');
    await expect(notSops).toContainText('laptop reads', { timeout: 60_000 });
    await expect(notSops.locator('li[data-file="secrets/laptop.yaml"]')).toContainText(
      'from secrets/laptop.yaml: it is not encrypted with sops (it has no sops metadata): sops-nix cannot read it, and a plain file in the flake is copied into the world-readable Nix store.',
    );
    await expect(notSops).toContainText('“wifi/home-psk”');
    await notSops.scrollIntoViewIfNeeded();
    await app.screenshot({ path: testInfo.outputPath('checks-not-sops.png'), fullPage: true });
  });
});
