import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';

const prompt = /bash-[\d.]+[$#]/;

/** The rows the terminal shows now, one string per line, trailing spaces dropped. */
async function screenLines(app: Page): Promise<string[]> {
  return app
    .getByTestId('terminal-pane')
    .locator('.xterm-rows > div')
    .evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\s+$/, '')));
}

async function lastLine(app: Page): Promise<string> {
  return (await screenLines(app)).filter(Boolean).at(-1) ?? '';
}

async function openShell(app: Page): Promise<void> {
  await app.getByTestId('nav-terminals').click();
  await app.getByRole('button', { name: 'New shell' }).first().click();
  await expect(app.getByRole('tab')).toHaveCount(1);
  await expect.poll(() => lastLine(app)).toMatch(prompt);
}

async function run(app: Page, command: string): Promise<void> {
  await app.keyboard.type(command);
  await app.keyboard.press('Enter');
}

/** The centre of the last place the terminal draws `needle` (the output, not the command line that printed it). */
async function pointAt(app: Page, needle: string): Promise<{ x: number; y: number }> {
  const point = await app.getByTestId('terminal-pane').evaluate((pane, text) => {
    let found: { x: number; y: number } | null = null;
    for (const row of pane.querySelectorAll('.xterm-rows > div')) {
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.lastIndexOf(text) ?? -1;
        if (at === -1) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + text.length);
        const box = range.getBoundingClientRect();
        found = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }
    }
    return found;
  }, needle);
  if (!point) throw new Error(`${needle} is not on the screen`);
  return point;
}

/**
 * Points at `needle`; xterm finds links under the pointer asynchronously, so this waits until it did, or for
 * `timeout` to say it did not (a loaded machine needs seconds, not one).
 */
async function hover(app: Page, needle: string, timeout = 5_000): Promise<boolean> {
  const { x, y } = await pointAt(app, needle);
  await app.mouse.move(x - 3, y);
  await app.mouse.move(x, y);
  const pointer = app.getByTestId('terminal-pane').locator('.xterm-screen.xterm-cursor-pointer');
  return pointer.waitFor({ timeout }).then(
    () => true,
    () => false,
  );
}

async function clickLink(app: Page, needle: string): Promise<void> {
  expect(await hover(app, needle), `${needle} is a link`).toBe(true);
  await app.mouse.down();
  await app.mouse.up();
}

test.describe('terminals', () => {
  test('a flood of `yes` leaves the window responsive, and Ctrl-C stops it at once', async ({ app }, testInfo) => {
    await openShell(app);
    await run(app, 'yes');
    // The row under the cursor is empty whenever a read ended with a line: only the lines written count.
    await expect
      .poll(async () => (await screenLines(app)).filter(Boolean).slice(-5))
      .toEqual(['y', 'y', 'y', 'y', 'y']);

    // While the flood runs, the other views answer (a frozen window would not until the flood stops).
    for (let i = 0; i < 3; i++) {
      await app.getByTestId('nav-hosts').click();
      await expect(app.getByTestId('host-card'), 'the hosts view shows during the flood').toHaveCount(4, {
        timeout: 15_000,
      });
      await app.getByTestId('nav-terminals').click();
      await expect(app.getByTestId('terminal-pane')).toBeVisible({ timeout: 15_000 });
    }
    await app.getByTestId('terminal-pane').click();
    const before = await screenLines(app);
    await expect.poll(() => screenLines(app), 'the flood is still running').not.toEqual(before);

    await app.keyboard.press('Control+C');
    // The flood would go on for ever without Ctrl-C: any bound shows that it stopped, a loose one holds under load.
    await expect.poll(() => lastLine(app), { timeout: 15_000 }).toMatch(prompt);
    await expect(app.getByTestId('terminal-pane')).toContainText('^C');
    await run(app, 'echo $((6*7))');
    await expect
      .poll(async () => (await screenLines(app)).filter(Boolean).slice(-2))
      .toEqual(['42', expect.stringMatching(prompt)]);
    await app.screenshot({ path: testInfo.outputPath('terminal-after-flood.png') });
  });

  test('a paste that tries to break out of bracketed paste runs nothing', async ({ app }) => {
    await openShell(app);
    const attempt = 'echo safe\x1b[201~\recho pwned-$((6*7))\r';
    await app.locator('.xterm-helper-textarea').evaluate((textarea, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, attempt);
    // It lands as text on the command line, waiting for the user.
    await expect(app.getByTestId('terminal-pane')).toContainText('echo pwned-$((6*7))');
    await app.keyboard.press('Control+C');
    await expect.poll(() => lastLine(app)).toMatch(prompt);
    await run(app, 'echo done-$((1+1))');
    await expect(app.getByTestId('terminal-pane')).toContainText('done-2');
    expect((await screenLines(app)).join('\n')).not.toContain('pwned-42');
  });

  test('a link opens only after the dialog showed its real target', async ({ app, harness }, testInfo) => {
    await openShell(app);
    await run(
      app,
      String.raw`printf '\e]8;;https://example.com/real\e\\docs\e]8;;\e\\ or \e]8;;javascript:alert(1)\e\\script\e]8;;\e\\ or https://nixos.org/plain\n'`,
    );
    // The output line, not only a prompt: the command line that printed it starts with one too.
    await expect.poll(() => screenLines(app)).toContain('docs or script or https://nixos.org/plain');
    await expect.poll(() => lastLine(app)).toMatch(/^bash-[\d.]+[$#]$/);

    await clickLink(app, 'docs');
    const dialog = app.getByTestId('link-dialog');
    await expect(dialog).toBeVisible();
    await expect(app.getByTestId('link-url')).toHaveText('https://example.com/real');
    await expect(app.getByTestId('link-text')).toHaveText('docs');
    await app.screenshot({ path: testInfo.outputPath('link-dialog.png') });
    await dialog.getByRole('button', { name: 'Open in browser' }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => harness.openedUrls).toEqual(['https://example.com/real']);

    await clickLink(app, 'https://nixos.org/plain');
    await expect(app.getByTestId('link-url')).toHaveText('https://nixos.org/plain');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    // A javascript: hyperlink is not a link at all.
    expect(await hover(app, 'script', 2_000)).toBe(false);
    await app.mouse.down();
    await app.mouse.up();
    await expect(dialog).toBeHidden();
    expect(harness.openedUrls).toEqual(['https://example.com/real']);
  });

  test('a run started by main gets a tab by itself, reachable by its address and kept across a reload', async ({
    app,
    harness,
  }) => {
    await app.getByTestId('nav-terminals').click();
    const { id } = harness.services.terminals.spawn({
      file: 'bash',
      args: ['--norc', '--noprofile', '-c', 'echo "building /nix/store/demo"; sleep 60'],
      title: 'nix build vps',
      kind: 'run',
    });
    await expect(app.getByRole('tab', { name: /nix build vps/ })).toBeVisible();
    await app.getByRole('button', { name: 'New shell' }).first().click();
    await expect(app.getByRole('tab')).toHaveCount(2);

    await app.goto(`${harness.url}#terminals/${id}`);
    await expect(app.getByRole('tab', { name: /nix build vps/ })).toHaveAttribute('aria-selected', 'true');
    await expect(app.getByTestId('terminal-pane')).toContainText('building /nix/store/demo');
    await app.reload();
    await expect(app.getByRole('tab')).toHaveCount(2);
    await expect(app.getByTestId('terminal-pane')).toContainText('building /nix/store/demo');
  });

  test("a run's steps share one tab named for the run, each step's output one click away", async ({ app, harness }) => {
    await app.getByTestId('nav-terminals').click();
    const step = (title: string, script: string) =>
      harness.services.terminals.spawn({
        file: 'bash',
        args: ['--norc', '--noprofile', '-c', script],
        title,
        kind: 'run',
        group: 'deploy web #7',
      });
    const build = step('build web', 'echo "built /nix/store/aaa-web"');
    await harness.services.terminals.exited(build.id);
    step('copy web', 'echo "copying to web"; exit 3');
    await app.getByRole('button', { name: 'New shell' }).first().click();

    const strip = app.getByRole('tablist', { name: 'Terminals' });
    await expect(strip.getByRole('tab')).toHaveCount(2);
    const run = strip.getByRole('tab', { name: /deploy web #7/ });
    await expect(run).toHaveAttribute('title', 'deploy web #7 — failed');
    await run.click();
    const steps = app.getByRole('tablist', { name: 'Steps of deploy web #7' }).getByRole('tab');
    await expect(steps).toHaveText(['build web', 'copy web']);
    // The run opens on its latest step.
    await expect(steps.nth(1)).toHaveAttribute('aria-selected', 'true');
    await expect(app.getByTestId('terminal-pane')).toContainText('copying to web');
    await steps.nth(0).click();
    await expect(app.getByTestId('terminal-pane')).toContainText('built /nix/store/aaa-web');
    await expect(run).toHaveAttribute('aria-selected', 'true');

    // Closing the run closes every step's session.
    await strip.getByRole('button', { name: 'Close deploy web #7' }).click();
    await expect(strip.getByRole('tab')).toHaveCount(1);
    await expect.poll(() => harness.services.terminals.list().filter((t) => t.group).length).toBe(0);
  });

  test('search finds text in the scrollback and says when there is none', async ({ app }) => {
    await openShell(app);
    await run(app, 'seq 1 500');
    await expect.poll(() => lastLine(app)).toMatch(prompt);
    const search = app.getByLabel('Search the terminal');
    await search.fill('137');
    // The one match is scrolled into view; output still arriving on a busy machine may scroll back down, so the
    // search is asked again until the match stays in view.
    await expect(async () => {
      await search.press('Enter');
      await expect(app.getByTestId('terminal-pane').locator('.xterm-rows')).toContainText('137', { timeout: 2_000 });
    }).toPass();
    await expect(app.getByTestId('terminal-pane').locator('.xterm-selection div').first()).toBeVisible();
    await search.fill('no such text');
    await search.press('Enter');
    await expect(app.getByRole('status')).toHaveText('No match');
  });

  test('the terminal follows the light and dark theme', async ({ app }) => {
    await openShell(app);
    const background = () =>
      app
        .getByTestId('terminal-pane')
        .locator('.xterm-scrollable-element')
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    await app.emulateMedia({ colorScheme: 'light' });
    await expect.poll(background).toBe('rgb(255, 255, 255)');
    await app.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe('rgb(29, 32, 39)');
  });

  test('tabs beyond the width of the window are reached through "⋯ N more", which shows the one chosen', async ({
    app,
  }, testInfo) => {
    await openShell(app);
    const strip = app.getByRole('tablist', { name: 'Terminals' });
    const tabs = strip.getByTestId('terminal-tab');
    const more = app.getByTestId('terminal-tabs-more');
    await expect(more).toHaveCount(0);
    const count = 14;
    for (let n = 2; n <= count; n++) {
      await app.getByRole('button', { name: 'New shell' }).click();
      await expect(tabs).toHaveCount(n);
    }
    // The newest tab is shown and in sight (but for the fraction of a pixel a scroll position rounds off); the first
    // ones are scrolled away, and the button counts them.
    await expect(tabs.last()).toHaveClass(/active/);
    await expect(tabs.last()).toBeInViewport({ ratio: 0.98 });
    await expect(tabs.first()).not.toBeInViewport({ ratio: 0.98 });
    await expect(more).toHaveText(/^⋯ \d+ more$/);
    const hidden = Number((await more.textContent())!.match(/\d+/)![0]);
    expect(hidden).toBeGreaterThan(0);
    expect(hidden).toBeLessThan(count);

    await more.click();
    const items = app.getByRole('menu', { name: 'All terminals' }).getByRole('menuitem');
    await expect(items).toHaveCount(count);
    await expect(items.last()).toContainText('shown');
    await app.screenshot({ path: testInfo.outputPath('terminal-tabs-more.png') });

    const firstId = await tabs.first().getAttribute('data-id');
    await items.first().click();
    await expect(app.getByRole('menu', { name: 'All terminals' })).toHaveCount(0);
    await expect(tabs.first()).toHaveClass(/active/);
    await expect(tabs.first()).toBeInViewport({ ratio: 0.98 });
    expect(new URL(app.url()).hash).toBe(`#terminals/${firstId}`);
    // Now the newest are out of sight, and the menu still lists every tab.
    await expect(tabs.last()).not.toBeInViewport({ ratio: 0.98 });
    await more.click();
    await expect(items).toHaveCount(count);
    await expect(items.first()).toContainText('shown');
    await app.keyboard.press('Escape');
    await expect(app.getByRole('menu', { name: 'All terminals' })).toHaveCount(0);
    await app.screenshot({ path: testInfo.outputPath('terminal-tabs-first-shown.png') });
  });
});
