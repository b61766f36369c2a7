// Which flake a launch opens: the one named by --flake=, else (installed) the one it was started in.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchFlake } from './launch-flake.ts';

const scratch = mkdtempSync(join(tmpdir(), 'flakedeck-launch-'));
const flake = join(scratch, 'infra');
mkdirSync(join(flake, '.git'), { recursive: true });
mkdirSync(join(flake, 'hosts', 'vps'), { recursive: true });
writeFileSync(join(flake, 'flake.nix'), '{ outputs = _: { }; }\n');
const elsewhere = join(scratch, 'elsewhere');
mkdirSync(join(elsewhere, '.git'), { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('launchFlake', () => {
  it('opens the flake a launch names, relative to the folder it was started in', () => {
    expect(launchFlake(['electron', '.', '--flake=infra'], scratch, true)).toBe(flake);
    expect(launchFlake(['flakedeck', `--flake=${flake}`, '--hidden'], elsewhere, false)).toBe(flake);
  });

  it('installed, opens the flake it was started in, from any folder below it (`nix run .`)', () => {
    expect(launchFlake(['flakedeck'], flake, true)).toBe(flake);
    expect(launchFlake(['flakedeck', '--hidden'], join(flake, 'hosts', 'vps'), true)).toBe(flake);
  });

  it('leaves the choice to the last flake opened when started outside a flake, or in development', () => {
    expect(launchFlake(['flakedeck'], elsewhere, true)).toBeUndefined();
    expect(launchFlake(['electron', '.'], flake, false)).toBeUndefined();
  });
});
