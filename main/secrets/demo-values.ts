// The published demo values in a flake's secret files, and what replaces each: a new random value of the same kind
// where Flakedeck can make one (passwords, secret keys, admin tokens, SSH keys), a clear placeholder where only the
// user has the value (a provider's API token, a wifi passphrase, a backup server's address).

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { DemoValueChange } from '../../common/model/make-yours.ts';
import { newEd25519KeyPair } from '../keys/ssh-key-pair.ts';
import { isPasswordHash } from './login-material.ts';
import { Branch, Comment } from './tree.ts';
import type { TreeValue } from './tree.ts';

/** Secrets a service only compares against or keys itself with: any random value works, so Flakedeck makes one. */
const generatedNames =
  /(^|[-_.])(password|passwd|secret|secret[-_]?key|admin[-_]?token|encryption[-_]?key|signing[-_]?key|session[-_]?secret|jwt[-_]?secret)$/i;
const openSshKey = /^-----BEGIN OPENSSH PRIVATE KEY-----/;
/** A configuration line (`access-tokens = github.com=…`): its placeholder stays a valid line, a comment. */
const configLine = /^([\w.-]+)\s*=/;

/**
 * The published demo values the flake's plaintext specification lists (`secrets/layout.json`, each key's `demo`),
 * so a value is recognised even in a file no demo key opens any more.
 */
export function listedDemoValues(flake: string): Set<string> {
  const values = new Set<string>();
  let layout: unknown;
  try {
    layout = JSON.parse(readFileSync(join(flake, 'secrets', 'layout.json'), 'utf8'));
  } catch {
    return values;
  }
  for (const keys of Object.values(layout as Record<string, unknown>)) {
    if (!keys || typeof keys !== 'object') continue;
    for (const spec of Object.values(keys as Record<string, unknown>)) {
      const demo = (spec as { demo?: unknown } | null)?.demo;
      if (typeof demo === 'string' && demo !== '') values.add(demo);
    }
  }
  return values;
}

/** A new value of the kind the demo value was: hex stays hex, anything else becomes 32 random bytes, base64url. */
function randomLike(old: string): string {
  const hex = /^[0-9a-f]{16,}$/i.test(old.replace(/^DEMO[-_]?/i, ''));
  return hex ? randomBytes(32).toString('hex') : randomBytes(32).toString('base64url');
}

function placeholder(old: string, name: string): string {
  const setting = configLine.exec(old)?.[1];
  return setting ? `# FILL IN: ${setting} = …` : `FILL-IN-${name}`;
}

/** What replaces one demo value, and how the plan describes it. */
function replacement(old: string, path: string[], file: string): { value: string; change: Omit<DemoValueChange, 'file'> } {
  const key = path.join('/');
  const name = [...path].reverse().find((segment) => !/^\d+$/.test(segment)) ?? 'value';
  if (openSshKey.test(old)) {
    const pair = newEd25519KeyPair(`${path[0] ?? 'key'}@${basename(file, extname(file))}`);
    return {
      value: pair.privateKey,
      change: { key, action: 'generated', what: 'a new SSH key: authorize its public half where it logs in', publicKey: pair.publicLine },
    };
  }
  if (generatedNames.test(name)) {
    return { value: randomLike(old), change: { key, action: 'generated', what: 'a new random value' } };
  }
  return {
    value: placeholder(old, name),
    change: { key, action: 'fill-in', what: 'a placeholder: only you have the real value, put it in' },
  };
}

/**
 * A copy of the tree with every demo string replaced (`isDemo` decides), and what was replaced. Password hashes are
 * left alone: the user's new password replaces them (login-material.ts).
 */
export function replaceDemoValues(
  branches: readonly Branch[],
  file: string,
  isDemo: (value: string) => boolean,
): { branches: Branch[]; changes: DemoValueChange[] } {
  const changes: DemoValueChange[] = [];
  const replace = (value: TreeValue, path: string[]): TreeValue => {
    if (value instanceof Branch) {
      return new Branch(
        value.items.map((item) =>
          item instanceof Comment ? item : { key: item.key, value: replace(item.value, [...path, item.key]) },
        ),
      );
    }
    if (Array.isArray(value)) {
      return value.map((v, index) => (v instanceof Comment ? v : replace(v, [...path, String(index)])));
    }
    if (typeof value !== 'string' || value === '' || isPasswordHash(value) || !isDemo(value)) return value;
    const made = replacement(value, path, file);
    changes.push({ file, ...made.change });
    return made.value;
  };
  return { branches: branches.map((branch) => replace(branch, []) as Branch), changes };
}
