// The page handles the menu's shortcuts itself, so they work in every window: Ctrl+1…8, Ctrl+O, Ctrl+Shift+D.

import { test, expect } from './fixtures.ts';

test('goes to views with Ctrl+digit, to the flake field with Ctrl+O, and deploys this host with Ctrl+Shift+D', async ({
  app,
}) => {
  // The flake's hosts are known (Ctrl+Shift+D deploys the host the window shows, else the first).
  await expect(app.getByTestId('host-card').first()).toBeVisible();
  await app.keyboard.press('Control+7');
  await expect(app).toHaveURL(/#history$/);
  await expect(app.getByTestId('nav-history')).toHaveAttribute('aria-current', 'page');
  await app.keyboard.press('Control+4');
  await expect(app).toHaveURL(/#secrets$/);
  await app.keyboard.press('Control+o');
  await expect(app.getByLabel('Flake folder')).toBeFocused();
  await app.keyboard.press('Escape');
  await app.locator('body').click();
  await app.keyboard.press('Control+Shift+D');
  await expect(app).toHaveURL(/#deploy\/[\w-]+$/);
});
