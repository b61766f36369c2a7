// `flakedeck switch` in a real terminal: sudo's password typed at its prompt, then "Keep this configuration?" counting
// down until the answer; real sudo, nix and ptys, the fixture's activation acting on a test folder.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../events/event-hub.ts';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { makeSudoUser, sudoPassword, sudoUserName } from '../../tests/support/sudo-user.ts';
import { localMachine } from '../../tests/support/this-machine.ts';
import { PtyHost } from '../terminal/pty-host.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import { repoRoot } from './context.ts';

const cleanups = cleanupsAfterEach();

/** The CLI as a person runs it in a terminal; `answer` types at what the screen shows. */
async function inTerminal(args: string[], answer: (screen: string) => string | null) {
  const host = new PtyHost(new EventHub());
  cleanups.push(() => host.dispose());
  const info = host.spawn({
    file: process.execPath,
    args: [join(repoRoot, 'tests/support/cli-with-config.ts'), ...args],
    title: 'flakedeck switch',
    kind: 'shell',
  });
  let screen = '';
  host.onRawData(info.id, (data) => {
    screen += data;
    const typed = answer(stripAnsi(screen));
    if (typed !== null) host.write(info.id, typed);
  });
  const status = await host.exited(info.id);
  return { code: status.exitCode, screen: stripAnsi(screen) };
}

describe('flakedeck switch', () => {
  it('asks for the password, counts down "Keep this configuration?", and keeps on y', async () => {
    makeSudoUser(cleanups);
    const machine = localMachine(cleanups, 60);
    let passwordTyped = false;
    let kept = false;
    const { code, screen } = await inTerminal(
      [machine.app.configFile, 'switch', '--yes', '--flake', machine.repo.path],
      (shown) => {
        if (!passwordTyped && shown.includes(`[sudo] password for ${sudoUserName}`)) {
          passwordTyped = true;
          return `${sudoPassword}\r`;
        }
        // Answered once the countdown has ticked at least once: the prompt is drawn again with fewer seconds.
        if (!kept && /Keep this configuration\? \[y\/N\] \(reverting in ([1-5]\d) s\)/.test(shown)) {
          kept = true;
          return 'y\r';
        }
        return null;
      },
    );
    expect(screen).toMatch(/Keep this configuration\? \[y\/N\] \(reverting in 60 s\)/);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/web: succeeded — web runs \/nix\/store\/\S+, confirmed\./);
    expect(machine.running()).toMatch(/^\/nix\/store\/.*-nixos-system-web-/);
    expect(machine.activations()).toHaveLength(1);
  }, 300_000);
});
