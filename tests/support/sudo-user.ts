// A system user whose sudo asks for a password every time, for tests of privileged steps (as root, on a throwaway
// machine): the user stays, the sudoers drop-in goes when the test ends.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { TerminalInfo } from '../../common/model/terminal.ts';
import type { DeployServices } from './deploy-services.ts';

export const sudoUserName = 'flakedeck-deployer';
export const sudoPassword = 'deck-test-password-7';
const sudoers = '/etc/sudoers.d/flakedeck-test';

/**
 * Creates the user (with a home and a known password) and lets it run anything through sudo with that password.
 * The variables the fixture targets set (FIXTURE_ROOT, …) pass through sudo to the activation. Returns its uid.
 */
export function makeSudoUser(cleanups: (() => unknown)[]): number {
  const user = sudoUserName;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `This test creates the user ${user} and ${sudoers}, which needs root: run it as root on a throwaway machine.`,
    );
  }
  if (!existsSync('/usr/sbin/visudo')) throw new Error('sudo is missing: install it (scripts/setup-machine.sh does).');
  if (spawnSync('id', ['-u', user]).status !== 0) {
    execFileSync('useradd', ['--system', '--create-home', '--shell', '/bin/sh', user]);
  }
  execFileSync('chpasswd', { input: `${user}:${sudoPassword}\n` });
  // sudo skips files with a dot in their name: the new file is checked before it takes effect.
  const draft = `${sudoers}.new`;
  cleanups.push(() => [draft, sudoers].forEach((file) => rmSync(file, { force: true })));
  writeFileSync(
    draft,
    [
      `Defaults:${user} env_keep += "FIXTURE_ROOT FIXTURE_AUTHORIZED_KEYS FIXTURE_SSHD_PID NIX_CONF_DIR"`,
      `Defaults:${user} timestamp_timeout=0`,
      `${user} ALL=(ALL:ALL) ALL`,
      '',
    ].join('\n'),
    { mode: 0o440 },
  );
  execFileSync('visudo', ['-cf', draft], { stdio: 'pipe' });
  renameSync(draft, sudoers);
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
}

/**
 * Types `answer` and Enter into whichever of the services' terminals shows sudo's password prompt for the user, as
 * a person would; returns the titles of the terminals that asked, one per prompt.
 */
export function typeAtSudoPrompts(app: DeployServices, cleanups: (() => unknown)[], answer: () => string): string[] {
  const prompt = `[sudo] password for ${sudoUserName}`;
  const asked: string[] = [];
  const { terminals, events } = app.services;
  const stop = events.connect((channel, payload) => {
    if (channel !== 'terminal.opened') return;
    // The session is new: subscribing now sees all of its output.
    const info = payload as TerminalInfo;
    let shown = '';
    terminals.onRawData(info.id, (data) => {
      shown += data;
      const at = shown.indexOf(prompt);
      if (at < 0) return;
      shown = shown.slice(at + prompt.length);
      asked.push(info.title);
      terminals.write(info.id, `${answer()}\r`);
    });
  });
  cleanups.push(stop);
  return asked;
}
