// The readers and the editor fed thousands of malformed and damaged files: errors, never crashes or writes.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';
import { storeFor } from './stores/index.ts';
import { readFullYaml } from './stores/yaml-read.ts';
import { readSubsetYaml } from './stores/yaml-subset-read.ts';
import { openSops } from './sops-file.ts';
import { EditorSessions } from './editor-sessions.ts';
import { vectorBytes, vectorIdentities, vectors } from '../../tests/support/sops-vectors.ts';

/** mulberry32: the same "random" inputs on every run, so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const specials = [...':-[]{}"\'\n#&*!|>=;\t\\%@`?,.0 '].map((c) => c.charCodeAt(0)).concat([0, 0xff, 0xc3, 0x0d]);

function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const bytes = [...input];
  const at = () => Math.floor(random() * (bytes.length + 1));
  const rounds = 1 + Math.floor(random() * 3);
  for (let r = 0; r < rounds; r++) {
    switch (Math.floor(random() * 6)) {
      case 0:
        if (bytes.length) bytes[Math.min(at(), bytes.length - 1)] = Math.floor(random() * 256);
        break;
      case 1:
        bytes.splice(at(), 0, specials[Math.floor(random() * specials.length)]!);
        break;
      case 2: {
        const start = at();
        bytes.splice(start, 1 + Math.floor(random() * 40));
        break;
      }
      case 3: {
        const start = at();
        bytes.splice(at(), 0, ...bytes.slice(start, start + Math.floor(random() * 80)));
        break;
      }
      case 4:
        bytes.length = at();
        break;
      default: {
        const lines = new TextDecoder().decode(new Uint8Array(bytes)).split('\n');
        const [i, j] = [Math.floor(random() * lines.length), Math.floor(random() * lines.length)];
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        bytes.splice(0, bytes.length, ...new TextEncoder().encode(lines.join('\n')));
      }
    }
  }
  return new Uint8Array(bytes);
}

/** Runs `work` on each input; returns the errors that were not ApiErrors (crashes), described for the report. */
async function crashes(inputs: Uint8Array[], work: (input: Uint8Array) => unknown): Promise<{ crashes: string[]; refused: number }> {
  const found: string[] = [];
  let refused = 0;
  for (const input of inputs) {
    try {
      await work(input);
    } catch (error) {
      if (error instanceof ApiError) refused++;
      else found.push(`${(error as Error)?.stack ?? String(error)}\n--- input ---\n${JSON.stringify(new TextDecoder().decode(input))}`);
    }
  }
  return { crashes: found.slice(0, 3), refused };
}

const plainSamples: [SecretFormat, string][] = [
  ['yaml', '# head\na: 1 # line\nb:\n    c: [1, 2, {d: e}]\n    f: |\n        text\n    g: &x {h: 1.5}\n    i: *x\n---\nj: 2021-01-01\n'],
  ['json', '{"a": 1, "b": [true, null, 1.5e3, "x\\u00e9"], "c": {"d": "e"}}\n'],
  ['dotenv', '# comment\nA=1\nB=two words\nC=line\\nbreak\n'],
  ['ini', '; comment\n[section]\nkey = value\nother: thing\n\n[two]\nk = """multi\nline"""\n'],
];

describe('readers fed thousands of malformed inputs', () => {
  it('refuse each malformed plaintext with an error, never a crash', async () => {
    const random = prng(1);
    let total = 0;
    for (const [format, sample] of plainSamples) {
      const inputs = Array.from({ length: 600 }, () => mutate(new TextEncoder().encode(sample), random));
      total += inputs.length;
      const result = await crashes(inputs, (input) => {
        const store = storeFor(format);
        store.writePlain(store.readPlain(input));
      });
      expect(result.crashes, `${format} reader crashed`).toEqual([]);
    }
    expect(total).toBeGreaterThanOrEqual(2000);
  });

  it('refuse each damaged encrypted file: an error (most of them) or a file whose MAC still verifies, never a crash', async () => {
    const random = prng(2);
    let total = 0;
    let refused = 0;
    for (const v of vectors) {
      const inputs = Array.from({ length: 150 }, () => mutate(vectorBytes(v.file), random));
      total += inputs.length;
      const result = await crashes(inputs, async (input) => {
        const opened = await openSops(input, v.format, { identities: [], dataKey: new Uint8Array(Buffer.from(v.dataKey, 'hex')) });
        // A change the MAC does not cover (sops metadata it does not read, an age stanza) may still open.
        if (!opened.macVerified) throw new Error('opened without a verified MAC');
        opened.store.writeEncrypted(opened.store.readEncrypted(input));
      });
      expect(result.crashes, `${v.file} crashed a reader`).toEqual([]);
      refused += result.refused;
    }
    expect(total).toBeGreaterThanOrEqual(3000);
    expect(refused / total).toBeGreaterThan(0.8);
  });
});

describe('the fast reader of sops’ own YAML', () => {
  it('agrees with the full reader on every damaged file it accepts, and hands it every other one', () => {
    const random = prng(4);
    const samples = vectors.filter((v) => v.format === 'yaml').map((v) => vectorBytes(v.file));
    let accepted = 0;
    let total = 0;
    for (const sample of samples) {
      for (let i = 0; i < 120; i++) {
        const input = i === 0 ? sample : mutate(sample, random);
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(input);
        } catch {
          continue;
        }
        total++;
        const fast = readSubsetYaml(text);
        if (fast === undefined) continue;
        accepted++;
        let full: unknown;
        try {
          full = readFullYaml(text);
        } catch (error) {
          full = error;
        }
        expect(fast, JSON.stringify(text)).toEqual(full);
      }
    }
    expect(total).toBeGreaterThanOrEqual(500);
    // Most untouched sops files and a share of the damaged ones take the fast path.
    expect(accepted).toBeGreaterThan(samples.length);
  });
});

describe('opening damaged files in the editor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flakedeck-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails with an error and never writes: the folder and the file stay as they were', async () => {
    const random = prng(3);
    const v = vectors.find((x) => x.file.endsWith('example.yaml'))!;
    const sessions = new EditorSessions(async () => vectorIdentities(v.ageKeys));
    const file = join(dir, 'example.yaml');
    for (let i = 0; i < 200; i++) {
      const input = mutate(vectorBytes(v.file), random);
      writeFileSync(file, input);
      try {
        const view = await sessions.open({ file });
        sessions.close(view.sessionId);
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
      }
      expect(readdirSync(dir)).toEqual(['example.yaml']);
      expect(new Uint8Array(readFileSync(file))).toEqual(input);
    }
  });
});
