// This machine for the reboot guard's tests: a folder standing for its root after some use, a system profile with
// three generations, and stand-ins for systemctl and ssh first on PATH that record each call instead of acting.

import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DeployEnvironment } from '../../main/deploy/settings.ts';

export interface RebootMachine {
  /** The folder standing for this machine's `/`. */
  root: string;
  /** The deploy settings that make the inspect-hosts fixture's laptop this machine, with the profile above. */
  env: Partial<DeployEnvironment>;
  /** The folder of the stand-ins, to put first on PATH. */
  bin: string;
  /** Each call's argv of a stand-in (`systemctl`, `ssh`), in order. */
  calls(program: string): string[][];
  forgetCalls(): void;
  /** What `systemctl --boot-loader-entry=help` lists; null: it fails as it does where GRUB boots. */
  bootEntries(entries: string[] | null): void;
  /** Replaces a stand-in's behaviour (a shell script body after the recording); no body: systemctl's own again. */
  stub(program: string, body?: string): void;
}

/** systemctl lists the boot entries given (or fails without any); every other call does nothing. */
const systemctlBody = (bin: string) =>
  `if [ "$1" = --boot-loader-entry=help ]; then cat '${bin}/entries' 2>/dev/null && exit 0; ` +
  `echo 'No boot loader entries discovered.' >&2; exit 1; fi`;

export function rebootMachine(scratch: string): RebootMachine {
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  const stub = (program: string, body: string) => {
    const file = join(bin, program);
    writeFileSync(
      file,
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\t' "$a"; done >> '${file}.calls'\necho >> '${file}.calls'\n${body}\n`,
    );
    chmodSync(file, 0o755);
  };
  stub('systemctl', systemctlBody(bin));
  stub('ssh', 'exit 255');

  const root = join(scratch, 'root');
  const files: Record<string, number> = {
    'var/lib/nixos/uid-map': 120, // persisted
    'var/lib/syncthing/config.xml': 900,
    'var/lib/syncthing/index/000001.log': 4096,
    'home/alice/.cache/thumbnails/a.png': 7000,
    'home/alice/Documents/cv.pdf': 3000, // persisted
    'etc/adjtime': 50,
    'persist/var/log/old.journal': 100, // the persistent root itself
  };
  for (const [path, size] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), Buffer.alloc(size, path.length));
  }

  // Three generations, the second current; each link leads to a folder standing for its system.
  const profiles = join(scratch, 'profiles');
  mkdirSync(profiles);
  for (const n of [1, 2, 3]) {
    const system = join(scratch, 'systems', `nixos-system-laptop-${n}`);
    mkdirSync(system, { recursive: true });
    symlinkSync(system, join(profiles, `system-${n}-link`));
  }
  symlinkSync('system-2-link', join(profiles, 'system'));

  return {
    root,
    env: { thisHostName: 'laptop', profile: join(profiles, 'system'), stateDir: join(scratch, 'state') },
    bin,
    calls(program) {
      try {
        return readFileSync(join(bin, `${program}.calls`), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split('\t').slice(0, -1));
      } catch {
        return [];
      }
    },
    forgetCalls() {
      for (const program of ['systemctl', 'ssh']) rmSync(join(bin, `${program}.calls`), { force: true });
    },
    bootEntries(entries) {
      if (entries) writeFileSync(join(bin, 'entries'), entries.map((e) => `${e}\n`).join(''));
      else rmSync(join(bin, 'entries'), { force: true });
    },
    stub: (program, body) => stub(program, body ?? systemctlBody(bin)),
  };
}
