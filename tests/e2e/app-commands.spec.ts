// The commands the application menu, its shortcuts and the tray send to the window.

import { test, expect } from './fixtures.ts';

test.describe('menu and shortcut commands', () => {
  test('open secrets, open a new terminal, deploy the host the window shows', async ({ app, harness }) => {
    await expect(app.getByTestId('host-card')).toHaveCount(4);

    harness.services.events.emit('app.command', { command: 'navigate', view: 'secrets' });
    await expect(app).toHaveURL(/#secrets$/);
    await expect(app.getByTestId('nav-secrets')).toHaveAttribute('aria-current', 'page');

    harness.services.events.emit('app.command', { command: 'new-terminal' });
    await expect(app).toHaveURL(/#terminals\/.+/);
    const id = decodeURIComponent(new URL(app.url()).hash.split('/')[1]!);
    expect(harness.services.terminals.list().map((t) => t.id)).toContain(id);

    await app.goto(`${harness.url}#persistence/laptop`);
    // The page has taken the new address in (its hashchange) before the command comes.
    await expect(app.getByRole('tablist', { name: 'Hosts' }).getByRole('tab', { selected: true })).toHaveText('laptop');
    harness.services.events.emit('app.command', { command: 'deploy-current-host' });
    await expect(app).toHaveURL(/#deploy\/laptop$/);
    // The deploy view opens with that host chosen, for a deploy and for its generations.
    const chosen = app.getByTestId('host-choice').filter({ has: app.locator('input:checked') });
    await expect(chosen).toHaveText(['laptop']);
    await expect(app.getByLabel('Host for generations')).toHaveValue('laptop');

    // Where no host is shown, the first one is the current host.
    await app.goto(`${harness.url}#keys`);
    await expect(app.getByTestId('nav-keys')).toHaveAttribute('aria-current', 'page');
    harness.services.events.emit('app.command', { command: 'deploy-current-host' });
    await expect(app).toHaveURL(/#deploy\/desktop$/);
  });
});
