// `flakedeck switch` in a real terminal: sudo's password typed at its prompt, then "Keep this configuration?" counting
// down until the answer, for as long as the setting or --keep-seconds says; real sudo, nix and ptys, the fixture's
// activation acting on a test folder.

import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { cliInTerminal } from '../../tests/support/cli-in-terminal.ts';
import { runCliInProcess } from '../../tests/support/run-cli.ts';
import { makeSudoUser, sudoPassword, sudoUserName } from '../../tests/support/sudo-user.ts';
import { localMachine } from '../../tests/support/this-machine.ts';

const cleanups = cleanupsAfterEach();

describe('flakedeck switch', () => {
  it('asks for the password, counts down "Keep this configuration?" for --keep-seconds, and keeps on y', async () => {
    makeSudoUser(cleanups);
    const machine = localMachine(cleanups, 60);
    // The window's setting, which --keep-seconds overrides for this switch.
    machine.app.services.deploy.setKeepSeconds(300);
    let passwordTyped = false;
    let kept = false;
    const { code, screen } = await cliInTerminal(
      cleanups,
      machine.app.configFile,
      ['switch', '--yes', '--keep-seconds', '90', '--flake', machine.repo.path],
      (shown) => {
        if (!passwordTyped && shown.includes(`[sudo] password for ${sudoUserName}`)) {
          passwordTyped = true;
          return `${sudoPassword}\r`;
        }
        // Answered once the countdown has ticked at least once: the prompt is drawn again with fewer seconds.
        if (!kept && /Keep this configuration\? \[y\/N\] \(reverting in ([1-8]\d) s\)/.test(shown)) {
          kept = true;
          return 'y\r';
        }
        return null;
      },
    ).exited;
    expect(screen).toMatch(/Keep this configuration\? \[y\/N\] \(reverting in 90 s\)/);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/web: succeeded — web runs \/nix\/store\/\S+, confirmed\./);
    expect(machine.running()).toMatch(/^\/nix\/store\/.*-nixos-system-web-/);
    expect(machine.activations()).toHaveLength(1);
  }, 300_000);

  it('refuses a time to keep outside 10–600 s before anything runs, and so does the setting', async () => {
    const machine = localMachine(cleanups, 60);
    const config = { ...machine.app.services.config };
    for (const given of ['5', '601', 'soon']) {
      const cli = await runCliInProcess(
        ['switch', '--yes', '--keep-seconds', given, '--flake', machine.repo.path],
        {},
        config,
      );
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(
        `The time to answer "Keep this configuration?" is a whole number of seconds from 10 to 600, not ${given === 'soon' ? '"soon"' : given}.`,
      );
    }
    expect(() => machine.app.services.deploy.setKeepSeconds(9)).toThrow(/from 10 to 600, not 9\./);
    expect(machine.app.services.deploy.keepSeconds).toBe(60);
    machine.app.services.deploy.setKeepSeconds(120);
    expect(machine.app.services.deploy.keepSeconds).toBe(120);
    expect(machine.app.services.runs.list()).toEqual([]);
  });
});
