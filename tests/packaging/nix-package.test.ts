// The flake's package, app and dev shell (nix/packages/, nix/dev-shells.nix), evaluated through flake.nix with the
// real nixpkgs lib and stand-ins for the nixpkgs packages and builders they call (tests/packaging/nix/): built the
// nixpkgs way, on nixpkgs' Electron, with nothing downloading Electron; and the launcher the package installs.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixture-flake.ts';

const nixpkgsLib = resolve(repoRoot, '..', 'shared', 'nix-sources', 'nixpkgs-lib', 'lib');

interface Evaluation {
  'stand-ins': { electron: string; electronHeaders: string; nodejs: string };
  package: {
    builtWith: string;
    name: string;
    isDefault: boolean;
    src: string;
    nodejs: string;
    npmDeps: { builtWith: string; npmRoot: string; packages: Record<string, string | null> };
    npmConfigHook: string;
    env: Record<string, string>;
    npmFlags: string[];
    buildPhase: string;
    installPhase: string;
    nativeBuildInputs: string[];
    buildInputs: string[];
    desktopItems: Record<string, unknown>[];
    meta: { mainProgram: string; description: string; platforms: string[]; license: string };
  };
  app: { type: string; program: string };
  devShell: {
    builtWith: string;
    packages: string[];
    ELECTRON_OVERRIDE_DIST_PATH: string;
    ELECTRON_SKIP_BINARY_DOWNLOAD: string;
    npm_config_nodedir: string;
  };
  checks: { names: string[]; flakedeckIsThePackage: boolean };
}

let evaluation: Evaluation;

beforeAll(() => {
  // Read-write: the package's filtered source is really added to the store, so its files can be listed.
  const output = execFileSync(
    'nix-instantiate',
    [
      '--read-write-mode',
      '--eval',
      '--strict',
      '--json',
      join(repoRoot, 'tests', 'packaging', 'nix', 'eval-outputs.nix'),
      '--arg',
      'nixpkgsLib',
      nixpkgsLib,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  evaluation = JSON.parse(output) as Evaluation;
}, 120_000);

describe('packages.x86_64-linux.flakedeck', () => {
  it('is built with buildNpmPackage on Node 22, and is the default package and a check', () => {
    const { package: pkg, checks } = evaluation;
    expect(pkg.builtWith).toBe('buildNpmPackage');
    expect(pkg.isDefault).toBe(true);
    expect(pkg.nodejs).toBe(evaluation['stand-ins'].nodejs);
    expect(checks.names).toContain('flakedeck');
    expect(checks.flakedeckIsThePackage).toBe(true);
  });

  it('takes its dependencies from package-lock.json through importNpmLock, each with a download URL', () => {
    const { npmDeps, npmConfigHook, src } = evaluation.package;
    expect(npmDeps.builtWith).toBe('importNpmLock');
    expect(npmDeps.npmRoot).toBe(src);
    expect(npmConfigHook).toBe('npm-config-hook-stand-in');
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    expect(Object.keys(npmDeps.packages).sort()).toEqual(Object.keys(lock.packages).sort());
    for (const [path, resolved] of Object.entries(npmDeps.packages)) {
      if (path === '') continue;
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const file = `${name.split('/').at(-1)}-${lock.packages[path]!.version}.tgz`;
      expect(resolved, path).toMatch(new RegExp(`^https://[^/]+/${name}/-/${file.replaceAll('.', '\\.')}$`));
    }
  });

  it('builds from the app’s files alone: an edit to a host, a secret or a test does not rebuild it', () => {
    const top = readdirSync(evaluation.package.src).sort();
    expect(top).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'main', 'renderer', 'bin', 'assets', 'nix']),
    );
    for (const absent of ['hosts', 'secrets', 'tests', 'node_modules', 'flake.nix', '.vite'])
      expect(top, absent).not.toContain(absent);
    expect(readdirSync(join(evaluation.package.src, 'nix')).sort()).toEqual(['inspect-flake.nix', 'inspect.nix']);
    expect(existsSync(join(evaluation.package.src, 'main', 'cli.ts'))).toBe(true);
    expect(existsSync(join(evaluation.package.src, 'main', 'cli', 'secrets-command.test.ts'))).toBe(false);
  });

  it('runs on nixpkgs’ Electron, and no step downloads Electron', () => {
    const { package: pkg } = evaluation;
    const { electron } = evaluation['stand-ins'];
    expect(pkg.env.ELECTRON_SKIP_BINARY_DOWNLOAD).toBe('1');
    expect(pkg.installPhase).toContain(`makeWrapper ${electron}/bin/electron $out/libexec/flakedeck/app`);
    const steps = `${pkg.buildPhase}\n${pkg.installPhase}`;
    // Forge's package and make fetch an Electron release; install-electron and @electron/get fetch the binary.
    for (const download of ['electron-forge', 'install-electron', 'electron/install.js', '@electron/get', 'npx '])
      expect(steps, download).not.toContain(download);
    expect(pkg.buildPhase).toContain('npm run build');
  });

  it('rebuilds the native modules against Electron’s headers, better-sqlite3 from source', () => {
    const { package: pkg } = evaluation;
    const headers = evaluation['stand-ins'].electronHeaders;
    // npmConfigHook passes npmFlags to `npm rebuild`, whose install scripts compile keytar and node-pty.
    expect(pkg.npmFlags).toContain(`--nodedir=${headers}`);
    expect(pkg.buildPhase).toContain('rm -r node_modules/better-sqlite3/prebuilds');
    expect(pkg.buildPhase).toContain(`npm_config_nodedir=${headers} ../.bin/node-gyp rebuild --release`);
    expect(pkg.nativeBuildInputs).toEqual(expect.arrayContaining(['pkg-config-stand-in', 'python3-stand-in']));
    expect(pkg.buildInputs).toContain('libsecret-stand-in');
  });

  it('installs a desktop entry and the icon, and says which program it is', () => {
    const { package: pkg } = evaluation;
    expect(pkg.nativeBuildInputs).toContain('copyDesktopItems-stand-in');
    expect(pkg.desktopItems).toEqual([
      expect.objectContaining({ name: 'flakedeck', desktopName: 'Flakedeck', exec: 'flakedeck', icon: 'flakedeck' }),
    ]);
    expect(pkg.installPhase).toContain(
      'install -Dm644 assets/icon.png $out/share/icons/hicolor/256x256/apps/flakedeck.png',
    );
    // The folder says 256x256: the PNG's own size (its IHDR width and height).
    const icon = readFileSync(join(repoRoot, 'assets', 'icon.png'));
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([256, 256]);
    expect(pkg.meta).toMatchObject({ mainProgram: 'flakedeck', license: 'MIT' });
    expect(pkg.meta.platforms).toContain('x86_64-linux');
  });

  it('runs the app as installed, so it opens the flake it is started in', () => {
    const { installPhase } = evaluation.package;
    // app.isPackaged, which main/flake/launch-flake.ts reads: nixpkgs' Electron is not named after the app.
    expect(installPhase).toContain('--set-default ELECTRON_FORCE_IS_PACKAGED 1');
    expect(installPhase).toContain('--add-flags $app');
    expect(installPhase).toMatch(
      /makeWrapper \S+\/bin\/node \$out\/libexec\/flakedeck\/cli --add-flags \$app\/bin\/flakedeck\.js/,
    );
  });
});

describe('apps.x86_64-linux.default and devShells.x86_64-linux.default', () => {
  it('`nix run .` runs the package’s flakedeck', () => {
    expect(evaluation.app.type).toBe('app');
    expect(evaluation.app.program).toMatch(/^\/nix\/store\/[a-z0-9]+-flakedeck-\d+\.\d+\.\d+\/bin\/flakedeck$/);
    expect(evaluation.app.program).toContain(evaluation.package.name);
  });

  it('`nix develop` has Node 22, nixpkgs’ Electron for npm start, the build tools and the tools the app runs', () => {
    const shell = evaluation.devShell;
    expect(shell.builtWith).toBe('mkShell');
    expect(shell.packages).toEqual(
      ['nodejs-22', 'pkg-config', 'libsecret', 'python3', 'nix', 'age', 'sops', 'ssh-to-age', 'openssh'].map(
        (name) => `${name}-stand-in`,
      ),
    );
    expect(shell.ELECTRON_OVERRIDE_DIST_PATH).toBe(`${evaluation['stand-ins'].electron}/bin`);
    expect(shell.ELECTRON_SKIP_BINARY_DOWNLOAD).toBe('1');
    expect(shell.npm_config_nodedir).toBe(evaluation['stand-ins'].nodejs);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The launcher the package installs as bin/flakedeck (nix/packages/flakedeck-launcher.sh), run with bash.

describe('the flakedeck launcher', () => {
  let scratch: string;
  let launcher: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'flakedeck-launcher-'));
    const recorder = (name: string) => {
      const file = join(scratch, name);
      writeFileSync(
        file,
        `#!/bin/sh\nprintf '%s' "${name}" > "${scratch}/ran"; for a in "$@"; do printf ' [%s]' "$a"; done >> "${scratch}/ran"\n`,
      );
      chmodSync(file, 0o755);
      return file;
    };
    launcher = join(scratch, 'flakedeck');
    writeFileSync(
      launcher,
      readFileSync(join(repoRoot, 'nix', 'packages', 'flakedeck-launcher.sh'), 'utf8')
        .replace('@shell@', '/bin/bash')
        .replace('@app@', recorder('app'))
        .replace('@cli@', recorder('cli')),
    );
    chmodSync(launcher, 0o755);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const ran = (args: string[]) => {
    const result = spawnSync(launcher, args, { encoding: 'utf8' });
    expect(result.status).toBe(0);
    return readFileSync(join(scratch, 'ran'), 'utf8');
  };

  it('opens the app with no command, or with the app’s flags', () => {
    expect(ran([])).toBe('app');
    expect(ran(['--hidden'])).toBe('app [--hidden]');
    expect(ran(['--flake=/home/me/infra', '--hidden'])).toBe('app [--flake=/home/me/infra] [--hidden]');
  });

  it('runs the command line for a command, --help and --version, with its arguments as given', () => {
    expect(ran(['hosts', '--flake', '/a b', '--json'])).toBe('cli [hosts] [--flake] [/a b] [--json]');
    expect(ran(['--help'])).toBe('cli [--help]');
    expect(ran(['-V'])).toBe('cli [-V]');
    expect(ran(['no-such-command'])).toBe('cli [no-such-command]');
  });
});
