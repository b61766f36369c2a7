// The keychain worker process: a crash there (a locked keyring, an item deleted by another process) is restarted
// and reported, never the end of the app or the CLI; a locked keyring is answered with what to do.

import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkWithNode } from '../child-module.ts';
import type { LaunchChild } from '../child-module.ts';
import { KeytarKeychain } from './keychain.ts';
import { KeyService } from './key-service.ts';
import { repoRoot } from '../../tests/support/fixture-flake.ts';

const noBus = !process.env.DBUS_SESSION_BUS_ADDRESS;
if (noBus) console.warn('keychain worker tests skipped: run inside scripts/with-secret-service.sh');

/** Launches the real worker, and kills it with SIGSEGV right after the next `crashes` requests reach it. */
function crashingLauncher(): { launch: LaunchChild; crashNext(n: number): void; started(): number } {
  let crashes = 0;
  let started = 0;
  const launch: LaunchChild = (path) => {
    started++;
    const child = forkWithNode(path);
    return {
      ...child,
      send(message) {
        child.send(message);
        if (crashes > 0) {
          crashes--;
          child.kill('SIGSEGV');
        }
      },
    };
  };
  return { launch, crashNext: (n) => (crashes = n), started: () => started };
}

describe.skipIf(noBus)('the keychain worker process', () => {
  it('sends a call once more to a new worker when the worker crashes, and reports a second crash', async () => {
    const launcher = crashingLauncher();
    const keychain = new KeytarKeychain(`flakedeck-test-crash-${process.pid}`, { launch: launcher.launch });
    await keychain.set('a', 'one');
    launcher.crashNext(1);
    expect(await keychain.list()).toEqual([{ account: 'a', secret: 'one' }]);
    launcher.crashNext(2);
    await expect(keychain.get('a')).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: expect.stringMatching(/crashed \(SIGSEGV\) while reading an age key.*still running/),
    });
    // The next call gets a new worker.
    expect(await keychain.get('a')).toBe('one');
    expect(launcher.started()).toBe(4);
    await keychain.delete('a');
  });

  it(
    'answers or says why while another process deletes and replaces the same items, and lists them all after',
    { timeout: 180_000 },
    async () => {
      const service = `flakedeck-test-churn-${process.pid}`;
      const keychain = new KeytarKeychain(service);
      for (let i = 0; i < 20; i++) await keychain.set(`k${i}`, `v${i}`);
      // The other process churns until its input ends (or libsecret crashes it, as happens under such churn).
      const churn = `const k = require('keytar'); let stop = false; process.stdin.on('end', () => (stop = true)).resume();
      (async () => { for (let r = 0; !stop; r++) { for (let i = 0; i < 20; i++) {
      await k.deletePassword(${JSON.stringify(service)}, 'k' + i); await k.setPassword(${JSON.stringify(service)}, 'k' + i, 'w' + r); }
      if (r === 0) console.log('churning'); } process.exit(0); })();`;
      const other = spawn(process.execPath, ['-e', churn], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'ignore'] });
      const exited = new Promise((resolve) => other.once('exit', resolve));
      await new Promise((resolve) => other.stdout.once('data', resolve));
      for (let n = 0; n < 10; n++) {
        // Each listing gives the service's items, or says what happened: never that the keyring is locked.
        await keychain.list().then(
          (entries) => expect(entries.every((e) => /^k\d+$/.test(e.account))).toBe(true),
          (error: unknown) => {
            expect(error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
            expect((error as Error).message).not.toMatch(/locked/);
          },
        );
      }
      // Every listing ran while the other process was still at it.
      expect(other.exitCode).toBeNull();
      other.stdin.end();
      await exited;
      // Whatever the other process left, the worker lists what the keyring holds once it is quiet again.
      for (let i = 0; i < 20; i++) await keychain.set(`k${i}`, 'after');
      expect((await keychain.list()).map((e) => e.account).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `k${i}`).sort(),
      );
      for (let i = 0; i < 20; i++) await keychain.delete(`k${i}`);
    },
  );
});

/** Runs a shell script in a private D-Bus session with its own unlocked keyring (the tests' own may not be locked). */
function inOwnKeyring(script: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, SOPS_AGE_KEY: '', SOPS_AGE_KEY_FILE: '' };
  delete env.__SS_INNER;
  delete env.__SS_DIR;
  return spawnSync(join(repoRoot, 'scripts', 'with-secret-service.sh'), ['bash', '-c', script], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

const lock =
  'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets ' +
  'org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null';

describe.skipIf(noBus)('a locked keyring', () => {
  it(
    'answers keys list, keys generate and secrets decrypt with "unlock your keyring", and the CLI exits normally',
    { timeout: 180_000 },
    () => {
      const cli = `node ${JSON.stringify(join(repoRoot, 'bin', 'flakedeck.js'))}`;
      const vector = join(repoRoot, 'tests/fixtures/sops-vectors/sops-nix/secrets.yaml');
      const result = inOwnKeyring(
        [
          `${cli} keys generate before-lock >/dev/null`,
          lock,
          `for args in "keys list" "keys generate after-lock" "secrets decrypt ${vector}"; do`,
          `  ${cli} $args; echo "exit=$?" >&2`,
          'done',
        ].join('\n'),
      );
      const exits = [...result.stderr.matchAll(/exit=(\d+)/g)].map((m) => Number(m[1]));
      expect(exits, result.stderr).toEqual([1, 1, 1]);
      expect(result.stderr.match(/unlock your keyring/g), result.stderr).toHaveLength(3);
      expect(result.stderr).not.toMatch(/Segmentation|core dumped/);
    },
  );

  it('shows the app as running with an unreachable keychain and what to do', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'flakedeck-locked-'));
    const script = join(dir, 'status.mts');
    writeFileSync(
      script,
      `import { KeyService } from ${JSON.stringify(join(import.meta.dirname, 'key-service.ts'))};
      import { execFileSync } from 'node:child_process';
      const keys = new KeyService();
      await keys.generate('before-lock');
      execFileSync('bash', ['-c', ${JSON.stringify(lock)}]);
      process.stdout.write(JSON.stringify(await keys.status()));`,
    );
    const result = inOwnKeyring(`node ${script}`);
    rmSync(dir, { recursive: true, force: true });
    expect(result.status, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as { reachable: boolean; problem: string };
    expect(parsed).toMatchObject({ reachable: false, problem: expect.stringContaining('unlock your keyring') });
  });
});

describe('the keychain worker entry', () => {
  it('is a module of its own beside the keychain, so a bundle can build it as an entry', () => {
    expect(new KeyService()).toBeInstanceOf(KeyService);
    expect(spawnSync(process.execPath, ['--check', join(import.meta.dirname, 'keychain-worker.ts')]).status).toBe(0);
  });
});

describe.skipIf(noBus)('two imports of keys at once, from two processes', () => {
  it(
    'never deletes a key file whose key is not in the keychain, and never overwrites a label',
    { timeout: 300_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'flakedeck-import-race-'));
      const service = `flakedeck-test-import-race-${process.pid}`;
      const rounds = 25;
      const script = join(dir, 'import.mts');
      writeFileSync(
        script,
        `import { writeFileSync } from 'node:fs';
      import { generateX25519Identity } from ${JSON.stringify(join(repoRoot, 'node_modules/age-encryption/dist/index.js'))};
      import { KeyService } from ${JSON.stringify(join(import.meta.dirname, 'key-service.ts'))};
      import { KeytarKeychain } from ${JSON.stringify(join(import.meta.dirname, 'keychain.ts'))};
      const [who, dir] = process.argv.slice(2);
      const keys = new KeyService(new KeytarKeychain(${JSON.stringify(service)}));
      const results = [];
      for (let round = 0; round < ${rounds}; round++) {
        const identity = await generateX25519Identity();
        const file = dir + '/' + who + '-' + round + '.txt';
        writeFileSync(file, identity + '\\n');
        try {
          const { deletedFile } = await keys.importFile(file, 'race-' + round, true);
          results.push({ round, identity, deletedFile });
        } catch (error) {
          results.push({ round, identity, deletedFile: false, error: error.message });
        }
      }
      process.stdout.write(JSON.stringify(results));`,
      );
      const run = (who: string) =>
        new Promise<{ round: number; identity: string; deletedFile: boolean; error?: string }[]>((resolve, reject) => {
          const child = spawn(process.execPath, [script, who, dir], {
            cwd: repoRoot,
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.once('exit', (code) =>
            code === 0 ? resolve(JSON.parse(out) as never) : reject(new Error(`exit ${code}`)),
          );
        });
      const [a, b] = await Promise.all([run('a'), run('b')]);
      const keychain = new KeytarKeychain(service);
      const stored = await keychain.list();
      const secrets = new Set(stored.map((e) => e.secret));
      for (const result of [...a, ...b]) {
        // A deleted file's key is in the keychain; a refused import says why and keeps its file.
        if (result.deletedFile) expect(secrets.has(result.identity)).toBe(true);
        else expect(result.error).toMatch(/already exists, holding another key|kept/);
      }
      // Each label holds the key of the import that succeeded, and one import per round succeeded.
      for (let round = 0; round < rounds; round++) {
        const winners = [...a, ...b].filter((r) => r.round === round && r.deletedFile);
        expect(winners).toHaveLength(1);
        expect(stored.find((e) => e.account === `age-identity:race-${round}`)?.secret).toBe(winners[0]!.identity);
      }
      for (const e of stored) await keychain.delete(e.account);
      rmSync(dir, { recursive: true, force: true });
    },
  );
});
