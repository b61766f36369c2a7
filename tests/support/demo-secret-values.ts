// Every published demo value of the repository's secret files, decrypted with the published demo admin key: what a
// test looks for to show that none is left after "make this repository yours".

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decryptFile } from '../../main/secrets/file-operations.ts';
import { Branch } from '../../main/secrets/tree.ts';
import type { TreeValue } from '../../main/secrets/tree.ts';
import { repoRoot } from './fixture-flake.ts';
import { demoAdminIdentity } from './secrets-flake.ts';

const openSshHeader = 'b3BlbnNzaC1rZXktdjE';

function strings(value: TreeValue): string[] {
  if (value instanceof Branch) return value.entries().flatMap((e) => strings(e.value));
  if (Array.isArray(value))
    return value.flatMap((v) => (v instanceof Branch || Array.isArray(v) || typeof v === 'string' ? strings(v) : []));
  return typeof value === 'string' ? [value] : [];
}

/**
 * The text to search for, file by file: each value whole, and each line of a value of several lines (an SSH key
 * is written as an indented block, so it is found by its lines).
 */
export async function demoSecretNeedles(): Promise<string[]> {
  const folder = join(repoRoot, 'secrets');
  const needles = new Set<string>();
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.yaml'))) {
    const opened = await decryptFile(join(folder, name), { identities: [demoAdminIdentity()] });
    for (const value of opened.plaintext.flatMap(strings)) {
      // Not the armour, nor an OpenSSH key's first line, which encodes only its format and so starts every such key.
      const lines = value
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length >= 20 && !line.startsWith('-----') && !line.startsWith(openSshHeader));
      for (const needle of lines.length > 1 ? lines : [value]) needles.add(needle);
    }
  }
  return [...needles];
}
