// The secrets view in Chromium: the editor, a file no key opens, the recipients matrix and the checks.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { secretsHostsFlake } from '../support/repository-copy.ts';
import { demoAdminIdentity, demoAdminKeyFile } from '../support/secrets-flake.ts';
import { decryptFile } from '../../main/secrets/file-operations.ts';
import { decryptedBytes } from '../../main/secrets/sops-file.ts';

test.skip(!process.env.DBUS_SESSION_BUS_ADDRESS, 'needs a Secret Service: run under scripts/with-secret-service.sh');
test.use({ flakeSource: secretsHostsFlake() });

const files = ['common.yaml', 'desktop.yaml', 'homelab.yaml', 'laptop.yaml', 'vps.yaml'].map((f) => `secrets/${f}`);

/** The plaintext of a file as the demo admin key decrypts it (MAC checked). */
async function plaintext(path: string): Promise<string> {
  return new TextDecoder().decode(decryptedBytes(await decryptFile(path, { identities: [demoAdminIdentity()] })));
}

function node(app: Page, path: string) {
  return app.locator(`[data-testid="secret-node"][data-path="${path}"]`);
}

/** The row of one key, without the rows of its children. */
function row(app: Page, path: string) {
  return node(app, path).locator('> .row');
}

test.describe('the secrets editor', () => {
  test.beforeEach(async ({ harness }) => {
    await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
  });

  test('opens a file with the keychain key, reveals, edits, adds, renames, deletes and saves', async ({
    app,
    flakePath,
  }, testInfo) => {
    await app.getByTestId('nav-secrets').click();
    await expect(app.getByTestId('secret-file')).toHaveCount(5);
    await expect(app.getByTestId('secret-file').locator('button.open')).toHaveText(files);
    await app.getByRole('button', { name: 'secrets/laptop.yaml' }).first().click();

    await expect(app.getByTestId('editor-file')).toHaveText('secrets/laptop.yaml');
    // restic (repository, password, ssh-key), wifi (home-psk), nix (access-tokens).
    await expect(app.getByTestId('secret-node')).toHaveCount(8);
    await expect(row(app, 'wifi/home-psk').getByTestId('secret-value')).toHaveText('••••••••');
    // Nothing of the plaintext is in the page before the user reveals it.
    expect(await app.content()).not.toContain('DEMO-wifi-passphrase');

    await row(app, 'wifi/home-psk').getByRole('button', { name: 'Reveal' }).click();
    await expect(row(app, 'wifi/home-psk').getByTestId('secret-value')).toHaveText(
      'DEMO-wifi-passphrase-correct-horse',
    );

    // A multi-line value, typed as text.
    await row(app, 'restic/password').getByRole('button', { name: 'Edit' }).click();
    const form = app.getByTestId('value-form');
    await expect(form.getByLabel('Value')).toHaveValue('DEMO-restic-laptop-a7d20c95e31f4b68');
    await form.getByLabel('Value').fill('first line\nsecond line');
    await form.getByRole('button', { name: 'Set value' }).click();
    await expect(app.getByTestId('unsaved')).toBeVisible();

    // A typed value under an existing map.
    await row(app, 'restic').getByRole('button', { name: 'Add key' }).click();
    await form.getByLabel('Key').fill('keep-days');
    await form.getByLabel('Type').selectOption('int');
    await form.getByLabel('Value').fill('30');
    await form.getByRole('button', { name: 'Add' }).click();
    await expect(row(app, 'restic/keep-days').locator('.type')).toHaveText('integer');

    await row(app, 'wifi/home-psk').getByRole('button', { name: 'Rename' }).click();
    await app.getByLabel('New key').fill('home-passphrase');
    await app.locator('form.rename').getByRole('button', { name: 'Rename', exact: true }).click();
    await expect(node(app, 'wifi/home-passphrase')).toBeVisible();

    await row(app, 'restic/repository').getByRole('button', { name: 'Delete repository' }).click();
    await expect(node(app, 'restic/repository')).toHaveCount(0);

    await row(app, 'restic/password').getByRole('button', { name: 'Reveal' }).click();
    await expect(row(app, 'restic/password').getByTestId('secret-value')).toHaveText('first line\nsecond line');
    await app.screenshot({ path: testInfo.outputPath('secrets-editor-unsaved.png'), fullPage: true });

    await app.getByRole('button', { name: 'Save' }).click();
    await expect(app.getByTestId('saved')).toBeVisible();
    await expect(app.getByTestId('unsaved')).toHaveCount(0);
    // A save masks every value again: the plaintext leaves the page.
    await expect(row(app, 'restic/password').getByTestId('secret-value')).toHaveText('••••••••');
    expect(await app.content()).not.toContain('second line');

    const saved = await plaintext(join(flakePath, 'secrets/laptop.yaml'));
    expect(saved).toContain('password: |-\n        first line\n        second line\n');
    expect(saved).toContain('keep-days: 30\n');
    expect(saved).toContain('home-passphrase: DEMO-wifi-passphrase-correct-horse\n');
    expect(saved).not.toContain('repository:');
    await app.screenshot({ path: testInfo.outputPath('secrets-editor-saved.png'), fullPage: true });

    await app.getByRole('button', { name: 'Close' }).click();
    await expect(app.getByTestId('secret-files')).toBeVisible();
  });

  test('keeps unsaved changes across views but not revealed values; asks before discarding them', async ({
    app,
    flakePath,
  }) => {
    const before = readFileSync(join(flakePath, 'secrets/vps.yaml'), 'utf8');
    await app.goto(`${app.url().split('#')[0]}#secrets/${encodeURIComponent('secrets/vps.yaml')}`);
    await row(app, 'restic/password').getByRole('button', { name: 'Delete password' }).click();
    await row(app, 'restic/repository').getByRole('button', { name: 'Reveal' }).click();
    await expect(row(app, 'restic/repository').getByTestId('secret-value')).toHaveText(/^sftp:/);
    // Another view and back: the edit is still there, the revealed value is not.
    await app.getByTestId('nav-keys').click();
    expect(await app.content()).not.toContain('sftp:restic@');
    await app.getByTestId('nav-secrets').click();
    await app.getByRole('button', { name: 'Continue editing' }).click();
    await expect(app.getByTestId('unsaved')).toBeVisible();
    await expect(node(app, 'restic/password')).toHaveCount(0);
    await expect(row(app, 'restic/repository').getByTestId('secret-value')).toHaveText('••••••••');
    await app.getByRole('button', { name: 'Close' }).click();
    const dialog = app.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await expect(dialog).toContainText('has changes that are not saved');
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await expect(app.getByTestId('secret-files')).toBeVisible();
    expect(readFileSync(join(flakePath, 'secrets/vps.yaml'), 'utf8')).toBe(before);
  });
});

test.describe('without a key that opens the file', () => {
  test('says whose key it needs and leads to the Keys page', async ({ app }, testInfo) => {
    await app.getByTestId('nav-secrets').click();
    await app.getByRole('button', { name: 'secrets/vps.yaml' }).first().click();
    const panel = app.getByTestId('error-panel');
    await expect(panel).toHaveAttribute('data-code', 'NO_IDENTITY');
    await expect(panel.getByRole('heading')).toHaveText('None of your keys opens this');
    await expect(panel).toContainText('age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm');
    await app.screenshot({ path: testInfo.outputPath('secrets-no-identity.png'), fullPage: true });
    await app.getByRole('button', { name: 'Go to Keys' }).click();
    await expect(app.getByRole('heading', { name: 'Keys', exact: true })).toBeVisible();
  });
});

test.describe('who can read which secret', () => {
  test.beforeEach(async ({ harness }) => {
    await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
  });

  test('the recipients matrix, the checks against the hosts, and updatekeys fixing a host that cannot read', async ({
    app,
    flakePath,
  }, testInfo) => {
    await app.getByTestId('nav-secrets').click();
    const matrix = app.getByTestId('recipients-matrix');
    await expect(matrix.getByTestId('matrix-row')).toHaveCount(5);
    const cells = (name: string) =>
      matrix.locator(`[data-testid="matrix-row"][data-name="${name}"] [data-testid="matrix-cell"]`);
    const states = (name: string) => cells(name).evaluateAll((tds) => tds.map((td) => td.getAttribute('data-state')));
    expect(await states('admin')).toEqual(['reads', 'reads', 'reads', 'reads', 'reads']);
    expect(await states('vps')).toEqual(['reads', 'none', 'none', 'none', 'reads']);
    expect(await states('laptop')).toEqual(['reads', 'none', 'none', 'reads', 'none']);

    await app.getByRole('button', { name: 'Run checks' }).click();
    const checks = app.getByTestId('secret-checks');
    await expect(checks.getByTestId('checks-summary')).toHaveText('3 problems', { timeout: 30_000 });
    await expect(checks.getByTestId('check-missing')).toContainText(
      'vps declares acme/token: secrets/vps.yaml has no acme/token.',
    );
    await expect(checks.getByTestId('check-unreadable')).toContainText(
      'laptop reads “vps-backup-repository” from secrets/vps.yaml, which is not encrypted to its key',
    );
    await expect(checks.getByTestId('check-unused')).toContainText('secrets/homelab.yaml grafana/secret-key');
    // The matrix now knows what each host reads, and marks the one it cannot.
    expect(await states('laptop')).toEqual(['reads', 'none', 'none', 'reads', 'cannot-read']);
    await app.screenshot({ path: testInfo.outputPath('secrets-matrix-checks.png'), fullPage: true });

    // The fix: the laptop joins the vps file's rule, and the file's keys are updated.
    const config = join(flakePath, '.sops.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        'secrets/vps\\.yaml$\n    key_groups:\n      - age:\n          - *admin\n',
        'secrets/vps\\.yaml$\n    key_groups:\n      - age:\n          - *admin\n          - *laptop\n',
      ),
    );
    await checks.getByRole('button', { name: 'Check again' }).click();
    const outdated = checks.getByTestId('check-outdated');
    await expect(outdated).toContainText('secrets/vps.yaml adds laptop');
    await outdated.getByTestId('updatekeys').click();
    await expect(checks.getByTestId('checks-summary')).toHaveText('2 problems', { timeout: 30_000 });
    await expect(checks.getByTestId('check-unreadable')).toHaveCount(0);
    await expect(checks.getByTestId('check-outdated')).toHaveCount(0);
    expect(await states('laptop')).toEqual(['reads', 'none', 'none', 'reads', 'reads']);
    await app.screenshot({ path: testInfo.outputPath('secrets-matrix-fixed.png'), fullPage: true });
  });
});
