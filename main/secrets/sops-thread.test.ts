// The sops worker thread: a job that runs too long is cut off with a clear error and its worker ended, a worker that
// dies is reported, errors keep their code, and each time the next job gets a new worker.

import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../common/api/errors.ts';
import { startWorkerThread } from '../child-module.ts';
import type { LaunchChild } from '../child-module.ts';
import { encryptPlain } from './sops-file.ts';
import { openInWorker, SopsThread } from './sops-thread.ts';

const dataKey = new Uint8Array(randomBytes(32));
const recipient = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
const encrypt = (plain: string) =>
  encryptPlain(new TextEncoder().encode(plain), 'yaml', { plan: { groups: [[recipient]], shamirThreshold: 0 }, rules: {}, dataKey });

/** The real worker thread; the first one started either never gets its jobs (`stall`) or is ended as one arrives (`die`). */
function faultyLauncher(fault: 'stall' | 'die') {
  let started = 0;
  let firstExited = false;
  const launch: LaunchChild = (path) => {
    const first = started++ === 0;
    const child = startWorkerThread(path);
    if (first) child.onExit(() => (firstExited = true));
    return {
      ...child,
      send(message) {
        if (!first) child.send(message);
        else if (fault === 'die') child.kill();
      },
    };
  };
  return { launch, started: () => started, firstExited: () => firstExited };
}

describe('the sops worker thread', () => {
  it('cuts off a job that runs past its time, ends its worker, and runs the next job on a new one', async () => {
    const launcher = faultyLauncher('stall');
    const thread = new SopsThread({ seconds: 2, launch: launcher.launch });
    const file = await encrypt('password: hunter2\n');
    await expect(openInWorker(file, 'yaml', { identities: [], dataKey, file: 'hostile.yaml' }, { thread })).rejects.toMatchObject({
      code: 'INVALID_SOPS_FILE',
      message: 'hostile.yaml took longer than 2 s to read; it may be hostile or too large.',
      hint: expect.stringContaining('Flakedeck stopped working on it and goes on.'),
    });
    await expect.poll(launcher.firstExited, { timeout: 60_000 }).toBe(true);
    const opened = await openInWorker(file, 'yaml', { identities: [], dataKey, file: 'fine.yaml' }, { thread });
    expect(opened.plaintext[0]!.get('password')).toBe('hunter2');
    expect(opened.macVerified).toBe(true);
    expect(launcher.started()).toBe(2);
  });

  it('reports a worker that dies during a job, and runs the next job on a new one', async () => {
    const launcher = faultyLauncher('die');
    const thread = new SopsThread({ launch: launcher.launch });
    await expect(thread.run('list', 'The secret files under /nowhere/secrets', ['/nowhere'])).rejects.toMatchObject({
      code: 'INVALID_SOPS_FILE',
      message: expect.stringMatching(
        /^The secret files under \/nowhere\/secrets stopped the worker trying to read them \(exit code 1\); one of them may be hostile or too large\.$/,
      ),
    });
    expect(await thread.run('list', 'The secret files under /nowhere/secrets', ['/nowhere'])).toEqual({ flake: '/nowhere', files: [] });
    expect(launcher.started()).toBe(2);
  });

  it('passes an error of a job on with its code and hint, and a value never', async () => {
    const thread = new SopsThread();
    const file = new TextDecoder().decode(await encrypt('password: hunter2\n')).replace(/type:str\]/, 'type:int]');
    const failure = await openInWorker(new TextEncoder().encode(file), 'yaml', { identities: [], dataKey, file: 'f.yaml' }, { thread }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    // A value relabelled as another type is a damaged value: named by its key, with what to do.
    expect(failure).toMatchObject({ code: 'MAC_MISMATCH', message: expect.stringContaining('The value of password in f.yaml'), hint: expect.stringContaining('read-only') });
    expect(JSON.stringify({ ...(failure as ApiError), message: (failure as ApiError).message })).not.toContain('hunter2');
  });

  it('cuts off the decryption of a 64 MB value given less time than it takes', { timeout: 300_000 }, async () => {
    const thread = new SopsThread({ seconds: 0.05 });
    const big = await encrypt(`big: ${'x'.repeat(64 * 2 ** 20)}\n`);
    await expect(openInWorker(big, 'yaml', { identities: [], dataKey, file: 'big.yaml' }, { thread })).rejects.toThrow(
      'big.yaml took longer than 0.05 s to read; it may be hostile or too large.',
    );
  });
});
