// ssh command lines: every word quoted, hostile words passed as data, ssh arguments never read as options.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activationArgv } from './activation.ts';
import { checkSettings, checkTargetEnvironment, defaultTargetEnvironment } from './settings.ts';
import { nixSshOpts, remoteCommand, shellQuote, sshArgs, storeUrl } from './ssh.ts';
import { RemoteTarget } from './target.ts';

const scratch = mkdtempSync(join(tmpdir(), 'flakedeck-ssh-'));
/** A file only a command smuggled in would create (a path of the test's own: /tmp/x may well exist). */
const touched = join(scratch, 'touched');
const hostile = [`it's`, `$(touch ${touched})`, '`id`', 'a b\tc', '"; rm -rf / #', '\\n', '*', '-rf', ''];
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What the target's login shell does with the remote command ssh hands it. */
const asTargetShell = (command: string, env: NodeJS.ProcessEnv = process.env) =>
  execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', env });

describe('remote commands', () => {
  it('quotes every word so a shell reads it back unchanged', () => {
    const echoed = asTargetShell(`printf '%s\\n' ${hostile.map(shellQuote).join(' ')}`);
    expect(echoed).toBe(hostile.map((w) => `${w}\n`).join(''));
  });

  it('passes hostile arguments to the activation script as data, also through sudo', () => {
    // sudo stand-in: drops its own options and runs the rest, as sudo would as root.
    const bin = join(scratch, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'sudo'), '#!/bin/sh\nwhile [ "$1" != "--" ]; do shift; done; shift; exec "$@"\n');
    chmodSync(join(bin, 'sudo'), 0o755);
    for (const sudo of [false, true, null]) {
      const target = new RemoteTarget('web', checkSettings('web', { sudo }), defaultTargetEnvironment);
      // Every one of these has a character no path of ours has (-rf alone is a plain path component).
      for (const word of hostile.filter((w) => w && w !== '-rf')) {
        const ssh = target.command(activationArgv('status', [`/state/${word}`, 'abc']), { privileged: true });
        // What ssh hands to the target's login shell: its last argument.
        const command = ssh.args.at(-1)!;
        let stderr = '';
        try {
          asTargetShell(`${command} 2>&1`, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
        } catch (error) {
          stderr = String((error as { stdout: string }).stdout);
        }
        // The script saw the path exactly as given, and refused it.
        expect(stderr).toBe(`flakedeck: unexpected characters in path: /state/${word}\n`);
      }
    }
    expect(() => execFileSync('test', ['-e', touched])).toThrow();
  });

  it('builds ssh and nix store arguments that never let a host be read as an option', () => {
    const target = checkSettings('web', { targetHost: 'web.example.org', targetUser: 'deploy', targetPort: 2222 });
    expect(target).toMatchObject({
      targetHost: 'web.example.org',
      targetUser: 'deploy',
      targetPort: 2222,
      buildOn: 'local',
      sudo: null,
    });
    const options = ['-i', '/keys/id'];
    expect(sshArgs(target, options, { fresh: true })).toEqual([
      '-o',
      'ControlMaster=no',
      '-o',
      'ControlPath=none',
      '-T',
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
      '-p',
      '2222',
      '-l',
      'deploy',
      '-i',
      '/keys/id',
      '--',
      'web.example.org',
    ]);
    expect(sshArgs(target, options, { tty: true })).toContain('-t');
    // A shared connection, unless the command must prove that a new one works.
    const shared = sshArgs(target, options, { controlPath: '/run/user/0/flakedeck-ssh-x/0123' });
    expect(shared.slice(0, 6)).toEqual([
      '-o',
      'ControlMaster=auto',
      '-o',
      'ControlPath=/run/user/0/flakedeck-ssh-x/0123',
      '-o',
      'ControlPersist=90',
    ]);
    expect(sshArgs(target, options, { controlPath: '/run/x', fresh: true }).slice(0, 4)).toEqual([
      '-o',
      'ControlMaster=no',
      '-o',
      'ControlPath=none',
    ]);
    expect(() => checkTargetEnvironment({ ...defaultTargetEnvironment, sshControlDir: '/run/user/my %h' })).toThrow(
      /ssh control folder/,
    );
    expect(nixSshOpts(target, options)).toBe('-p 2222 -i /keys/id');
    expect(storeUrl(target, '', 'ssh-ng')).toBe('ssh-ng://deploy@web.example.org');
    for (const targetHost of ['-oProxyCommand=x', 'a b', 'host;id', '$(id)', '']) {
      expect(() => checkSettings('web', { targetHost })).toThrow(/is not a host name or address/);
    }
    expect(() => checkSettings('web', { targetUser: 'root -o x' })).toThrow(/is not a user name/);
    expect(() => checkSettings('web', { targetPort: 70000 })).toThrow(/is not a port/);
    expect(() => checkSettings('web', { buildOn: 'cloud' })).toThrow(/buildOn/);
  });

  it('leaves what the flake does not declare to ~/.ssh/config: no port, no user', () => {
    const target = checkSettings('vps', { targetHost: 'vps' });
    const args = sshArgs(target, []);
    expect(args).not.toContain('-p');
    expect(args).not.toContain('-l');
    expect(args.slice(-2)).toEqual(['--', 'vps']);
    expect(nixSshOpts(target, [])).toBe('');
    expect(storeUrl(target, '')).toBe('ssh://vps');
    expect(remoteCommand(['echo', "it's"])).toBe(`'echo' 'it'\\''s'`);
  });
});
