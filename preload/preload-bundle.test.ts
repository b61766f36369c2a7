// The preload as it is bundled: the channel names of the contract, and none of its schemas (no zod).

import { resolve } from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { channelNames } from '../common/api/contract.ts';

const repoRoot = resolve(import.meta.dirname, '..');

describe('preload bundle', () => {
  it('holds every channel name and no schema library', async () => {
    const output = await build({
      configFile: resolve(repoRoot, 'vite.preload.config.ts'),
      root: repoRoot,
      logLevel: 'silent',
      build: { write: false },
    });
    const result = Array.isArray(output) ? output[0]! : output;
    if (!('output' in result)) throw new Error('the preload build gave no output');
    const code = result.output.map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n');
    for (const name of [...channelNames.methods, ...channelNames.events]) expect(code).toContain(name);
    expect(code).not.toMatch(/zod|ZodError|safeParse/);
    // A sandboxed preload loads no other module than electron's.
    expect(code.match(/require\(["'][^"']+["']\)/g)).toEqual(['require("electron")']);
  });
});
