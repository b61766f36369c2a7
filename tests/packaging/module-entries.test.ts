// Every module the app starts apart (moduleBeside: a keychain process, the sops thread) is an entry of the bundles,
// built beside its caller: otherwise the sources would run and the packaged app would not find the module.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainEntries } from '../../vite.main.config.ts';
import { repoRoot } from '../support/fixture-flake.ts';

/** `moduleBeside(import.meta.filename, 'name')` calls in main/, as [calling file, module it names]. */
function modulesStartedApart(): [string, string][] {
  const found: [string, string][] = [];
  for (const entry of readdirSync(join(repoRoot, 'main'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const match of readFileSync(file, 'utf8').matchAll(/moduleBeside\(import\.meta\.filename, '([\w-]+)'\)/g)) {
      found.push([relative(repoRoot, file), match[1]!]);
    }
  }
  return found;
}

describe('modules started apart', () => {
  it('are each an entry of the main and command-line bundles, named as their caller asks for them', () => {
    const started = modulesStartedApart();
    expect(started.map(([, name]) => name).sort()).toEqual(['keychain-worker', 'sops-worker']);
    for (const [caller, name] of started) {
      expect(mainEntries[name as keyof typeof mainEntries], `${caller} starts ${name}`).toBe(
        join(dirname(caller), `${name}.ts`),
      );
    }
  });
});
