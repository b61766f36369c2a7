// Playwright fixtures: a harness with real services for a fixture flake, and a page connected to it; and the same
// over the deploy fixture flake, deploying to a loopback target.

import { randomBytes } from 'node:crypto';
import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { KeytarKeychain } from '../../main/keys/keychain.ts';
import { startHarness } from '../harness/harness.ts';
import type { Harness } from '../harness/harness.ts';
import { deployFixture, startDeployTarget } from '../support/deploy-target.ts';
import type { DeployFixture, DeployTarget } from '../support/deploy-target.ts';
import { makeFlakeRepo } from '../support/fixture-flake.ts';

export interface AppFixtures {
  /** Fixture flake name, or files, for the flake the app opens. */
  flakeSource: string | Record<string, string>;
  /** The start of the flake folder's name (tests/support/fixture-flake.ts's awkwardPrefix, say). */
  flakePrefix: string | undefined;
  flakePath: string;
  /** The system keychain under a service of this test's own, emptied afterwards: tests never see each other's keys. */
  keychain: KeytarKeychain;
  harness: Harness;
  app: Page;
}

export const test = base.extend<AppFixtures>({
  flakeSource: ['four-hosts', { option: true }],
  flakePrefix: [undefined, { option: true }],
  flakePath: async ({ flakeSource, flakePrefix }, use) => {
    const repo = makeFlakeRepo(flakeSource, flakePrefix);
    await use(repo.path);
    repo.remove();
  },
  // Playwright reads a fixture's dependencies from its first parameter's pattern: this one has none.
  // eslint-disable-next-line no-empty-pattern
  keychain: async ({}, use) => {
    const keychain = new KeytarKeychain(`flakedeck-e2e-${randomBytes(6).toString('hex')}`);
    await use(keychain);
    // Without a Secret Service there is nothing to empty.
    const entries = await keychain.list().catch(() => []);
    for (const entry of entries) await keychain.delete(entry.account);
  },
  harness: async ({ flakePath, keychain }, use) => {
    const harness = await startHarness({ flake: flakePath, keychain });
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

export interface DeployFixtures {
  /** hosts.nix of the deploy fixture flake (a Nix attribute set of host specs); the fixture's own when undefined. */
  deployHosts: string | undefined;
  /** The loopback deploy target every host of the flake deploys to. */
  target: DeployTarget;
  fixture: DeployFixture;
}

/** The app over the deploy fixture flake, with the services deploying to a loopback target. */
export const deployTest = test.extend<DeployFixtures>({
  deployHosts: [undefined, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  target: async ({}, use) => {
    const target = await startDeployTarget();
    await use(target);
    await target.stop();
  },
  fixture: async ({ target, deployHosts }, use) => {
    const fixture = deployFixture(target, deployHosts);
    await use(fixture);
    fixture.repo.remove();
  },
  flakePath: async ({ fixture }, use) => use(fixture.repo.path),
  harness: async ({ flakePath, keychain, target }, use) => {
    const harness = await startHarness({ flake: flakePath, keychain, deploy: target.env });
    await use(harness);
    await harness.close();
  },
});

export { expect };
