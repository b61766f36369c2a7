// One build of the native modules serves both runtimes: Node (the CLI, the tests) and Electron (the app). They are
// Node-API modules, bound to no runtime's ABI; a build made against another runtime's headers (as Electron's rebuild
// makes) still loads and works in this Node, under the command line too. Electron's own binary cannot run here.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeModules } from '../../vite.main.config.ts';
import { repoRoot } from '../support/fixture-flake.ts';

const nodeModules = join(repoRoot, 'node_modules');

/** ELF shared objects for this machine's architecture (x86-64), skipping the prebuilds for other platforms. */
function isLoadableHere(file: string): boolean {
  const header = readFileSync(file).subarray(0, 20);
  return header.subarray(0, 4).toString('latin1') === '\x7fELF' && header.readUInt16LE(18) === 0x3e;
}

function binariesOf(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // node-gyp's intermediate copies sit in obj.target; a module's own node_modules hold only its build tools.
    if (entry.isDirectory() && entry.name !== 'obj.target' && entry.name !== 'node_modules')
      found.push(...binariesOf(path));
    else if (entry.isFile() && entry.name.endsWith('.node') && isLoadableHere(path)) found.push(path);
  }
  return found;
}

function dynamicSymbols(file: string, which: '--undefined-only' | '--defined-only'): string[] {
  return execFileSync('nm', ['-D', which, file], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
    .filter(Boolean);
}

/** Symbols that tie a binary to one runtime's ABI: V8's and Node's C++ APIs, and the pre-Node-API registration. */
const runtimeBound = /^(_ZN2v8|_ZNK2v8|_ZN4node|_ZNK4node|node_module_register)/;

describe('the native modules', () => {
  it('are every native binary among the dependencies', () => {
    const dependencies = Object.keys(
      (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
        .dependencies,
    );
    const withBinaries = dependencies.filter((name) => binariesOf(join(nodeModules, name)).length > 0);
    expect(withBinaries.sort()).toEqual([...nativeModules].sort());
  });

  it.each(nativeModules)('%s is a Node-API module, so its build loads in Node and in Electron alike', (name) => {
    const binaries = binariesOf(join(nodeModules, name));
    expect(binaries.length, `${name} has a binary for this machine`).toBeGreaterThan(0);
    for (const binary of binaries) {
      const where = relative(repoRoot, binary);
      expect(dynamicSymbols(binary, '--defined-only'), where).toContain('napi_register_module_v1');
      expect(
        dynamicSymbols(binary, '--undefined-only').filter((s) => runtimeBound.test(s)),
        where,
      ).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Built against the headers of another runtime than this Node, as Forge's rebuild for Electron or nixpkgs' rebuild
// against Electron's headers does. Here the other runtime is the system's Node 20 (/usr/include/node), whose ABI
// (NODE_MODULE_VERSION 115) is neither this Node's nor Electron's: the point is only that it is not this one.

const otherNodedir = '/usr';
const otherAbi = () =>
  Number(
    /#define NODE_MODULE_VERSION (\d+)/.exec(
      readFileSync(join(otherNodedir, 'include', 'node', 'node_version.h'), 'utf8'),
    )?.[1],
  );
const rebuilt = ['keytar', 'node-pty'] as const;

describe('a build made against another runtime’s headers', () => {
  let scratch: string;
  let app: string;

  beforeAll(() => {
    if (!existsSync(join(otherNodedir, 'include', 'node', 'node_version.h')))
      throw new Error(`No headers of a second Node.js runtime in ${otherNodedir}/include/node.`);
    scratch = mkdtempSync(join(tmpdir(), 'flakedeck-native-'));
    // The built command line with its own node_modules, as an installed package has them.
    app = join(scratch, 'app');
    const require = createRequire(import.meta.url);
    // Built into the copy, not the checkout's .vite/cli, which the npm package test builds at the same time.
    execFileSync(
      process.execPath,
      [
        join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'),
        'build',
        '-c',
        'vite.cli.config.ts',
        '--outDir',
        join(app, '.vite', 'cli'),
      ],
      { cwd: repoRoot, stdio: 'ignore' },
    );
    for (const file of ['package.json', join('nix', 'inspect.nix'), join('nix', 'inspect-flake.nix')])
      cpSync(join(repoRoot, file), join(app, file));
    mkdirSync(join(app, 'node_modules'));
    for (const name of nativeModules)
      cpSync(join(nodeModules, name), join(app, 'node_modules', name), { recursive: true, dereference: true });
    const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
    for (const name of rebuilt) {
      // node-gyp takes npm_config_nodedir (which the test setup points at this Node's headers) over --nodedir.
      execFileSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${otherNodedir}`], {
        cwd: join(app, 'node_modules', name),
        env: { ...process.env, npm_config_nodedir: otherNodedir },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
  }, 15 * 60_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('was made for another ABI than this Node’s', () => {
    expect(otherAbi()).not.toBe(Number(process.versions.modules));
    for (const name of rebuilt) {
      const config = readFileSync(join(app, 'node_modules', name, 'build', 'config.gypi'), 'utf8');
      expect(config, name).toContain(`"node_module_version": ${otherAbi()},`);
      expect(binariesOf(join(app, 'node_modules', name, 'build', 'Release')), name).toHaveLength(1);
    }
  });

  it('loads and works in this Node: a pty runs a command, the keychain answers', () => {
    const script = `
      const pty = require('node-pty');
      const keytar = require('keytar');
      let out = '';
      const term = pty.spawn('/bin/echo', ['hello from a pty'], {});
      term.onData((d) => (out += d));
      term.onExit(async ({ exitCode }) => {
        const found = await keytar.findCredentials('flakedeck-native-test-' + process.pid);
        console.log(JSON.stringify({ out: out.trim(), exitCode, found }));
      });`;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: app,
      env: { ...process.env, NODE_PATH: join(app, 'node_modules') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ out: 'hello from a pty', exitCode: 0, found: [] });
  });

  it('is left as it is by the rebuild Forge runs for Electron on `npm start` and packaging', async () => {
    const { default: forgeConfig } = await import('../../forge.config.ts');
    const { rebuild } = await import('@electron/rebuild');
    const electron = JSON.parse(readFileSync(join(nodeModules, 'electron', 'package.json'), 'utf8')) as {
      version: string;
    };
    // As Forge calls it, on the copy: a rebuild would fetch Electron's headers and fail here.
    const run = rebuild({
      ...forgeConfig.rebuildConfig,
      buildPath: app,
      electronVersion: electron.version,
      arch: process.arch,
    });
    const found: string[][] = [];
    run.lifecycle.on('modules-found', (modules: string[]) => found.push(modules));
    await run;
    expect(found).toEqual([[]]);
  });

  it('serves the command line: keys through keytar, history through SQLite', () => {
    const env = { ...process.env, FLAKEDECK_DATA_DIR: join(scratch, 'data'), SOPS_AGE_KEY_FILE: '' };
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [join(app, '.vite', 'cli', 'cli.js'), ...args], {
        cwd: scratch,
        env,
        encoding: 'utf8',
      });
    const keys = cli(['keys', 'list', '--json']);
    expect(keys.stderr).toBe('');
    expect(keys.status).toBe(0);
    const history = cli(['history', '--json']);
    expect(history.stderr).toBe('');
    expect(JSON.parse(history.stdout)).toEqual([]);
  });
});
