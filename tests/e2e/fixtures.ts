// Playwright fixtures: a harness with real services for a fixture flake, and a page connected to it.

import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startHarness } from '../harness/harness.ts';
import type { Harness } from '../harness/harness.ts';
import { makeFlakeRepo } from '../support/fixture-flake.ts';

export interface AppFixtures {
  /** Fixture flake name, or files, for the flake the app opens. */
  flakeSource: string | Record<string, string>;
  flakePath: string;
  harness: Harness;
  app: Page;
}

export const test = base.extend<AppFixtures>({
  flakeSource: ['four-hosts', { option: true }],
  flakePath: async ({ flakeSource }, use) => {
    const repo = makeFlakeRepo(flakeSource);
    await use(repo.path);
    repo.remove();
  },
  harness: async ({ flakePath }, use) => {
    const harness = await startHarness({ flake: flakePath });
    await use(harness);
    await harness.close();
  },
  app: async ({ page, harness }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(harness.initScript);
    await page.goto(harness.url);
    await use(page);
    expect(errors, 'the page threw no errors').toEqual([]);
  },
});

export { expect };
