// The terminal draws with xterm's WebGL renderer where Chromium offers WebGL (SwiftShader's software WebGL here), and
// with its DOM renderer, showing the same text and still taking input, once the WebGL context is lost.

import type { Locator } from '@playwright/test';
import config from '../../playwright.config.ts';
import { test, expect } from './fixtures.ts';

const withoutWebgl = ['--disable-gpu', '--disable-webgl'];
test.use({
  launchOptions: {
    ...config.use?.launchOptions,
    args: [
      ...(config.use?.launchOptions?.args ?? []).filter((arg) => !withoutWebgl.includes(arg)),
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  },
});

/** The WebGL renderer draws on a canvas of its own; the DOM renderer writes rows of text. */
const drawsWithWebgl = async (pane: Locator) =>
  (await pane.locator('.xterm-screen canvas').count()) > 0 && (await pane.locator('.xterm-rows').count()) === 0;

test('draws with WebGL, and with the DOM renderer once the context is lost, keeping the text', async ({
  app,
}, testInfo) => {
  expect(await app.evaluate(() => !!document.createElement('canvas').getContext('webgl2'))).toBe(true);
  await app.getByTestId('nav-terminals').click();
  await app.getByRole('button', { name: 'New shell' }).first().click();
  const pane = app.getByTestId('terminal-pane');
  await expect.poll(() => drawsWithWebgl(pane)).toBe(true);

  await pane.click();
  await app.keyboard.type('echo "drawn by $((6 * 7))"');
  await app.keyboard.press('Enter');
  await app.screenshot({ path: testInfo.outputPath('terminal-webgl.png') });

  // As a GPU reset does it: xterm waits for the context to come back, then gives the terminal to the DOM renderer.
  const lost = await pane.locator('.xterm-screen canvas').evaluateAll(
    (canvases: HTMLCanvasElement[]) =>
      canvases.filter((canvas) => {
        const webgl = canvas.getContext('webgl2');
        webgl?.getExtension('WEBGL_lose_context')?.loseContext();
        return webgl !== null;
      }).length,
  );
  expect(lost).toBeGreaterThan(0);
  await expect(pane.locator('.xterm-rows')).toContainText('drawn by 42');
  expect(await drawsWithWebgl(pane)).toBe(false);

  await pane.click();
  await app.keyboard.type('echo "then by $((7 * 6))"');
  await app.keyboard.press('Enter');
  await expect(pane.locator('.xterm-rows')).toContainText('then by 42');
  await app.screenshot({ path: testInfo.outputPath('terminal-after-context-loss.png') });
});
