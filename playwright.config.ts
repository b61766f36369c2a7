// Playwright: the real renderer in Debian's Chromium, driven over the test transport.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testMatch: '**/*.spec.ts',
  projects: [
    { name: 'renderer', testDir: 'tests/e2e' },
    { name: 'electron', testDir: 'tests/electron' },
  ],
  outputDir: 'test-results/e2e',
  // Safety nets for a hung test, not measures of speed: expectations wait for states, and on a loaded 2-core
  // machine a deploy or an inspection takes tens of seconds.
  timeout: 240_000,
  expect: { timeout: 30_000 },
  workers: 2,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Without WebGL, terminals draw with xterm's DOM renderer, whose rows the specs read; the WebGL renderer, the
      // app's where WebGL is offered, has its own spec (terminal-webgl.spec.ts) that gives WebGL back.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-webgl',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
