// Checks of the flake's secrets against its hosts: declared secrets no file holds, values no host uses, hosts that
// cannot decrypt the file they read, and files whose recipients differ from .sops.yaml. Files are read without a
// key: a sops file's key paths and recipients are in clear text, as sops-nix's build-time check reads them too.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { HostRecipient } from '../../common/model/keys.ts';
import type { Inspection, SecretInfo } from '../../common/model/manifest.ts';
import type {
  MissingSecret,
  NotSopsFile,
  SecretChecks,
  UnreadableFile,
  UnusedValue,
} from '../../common/model/secret-checks.ts';
import type { SecretFileSummary, SecretFormat } from '../../common/model/secrets.ts';
import { ageRecipients, readMetadata } from './metadata.ts';
import { formatForPath, storeFor } from './stores/index.ts';
import { Branch } from './tree.ts';
import type { TreeValue } from './tree.ts';

export interface CheckInput {
  flake: string;
  inspection: Inspection;
  files: readonly SecretFileSummary[];
  hosts: readonly HostRecipient[];
}

/** sops-nix reads yaml and json files by key; the other formats are used whole. */
const keyedFormats = new Set(['yaml', 'json']);

interface FileContents {
  format: SecretFormat;
  /** Leaf key paths of the first document, `/`-joined as sops-nix names them. */
  leaves: string[];
  recipients: string[];
}

function leavesOf(value: TreeValue, prefix: string): string[] {
  if (!(value instanceof Branch)) return [prefix];
  return value.entries().flatMap((e) => leavesOf(e.value, prefix === '' ? e.key : `${prefix}/${e.key}`));
}

/** Whether a declared key reads this leaf: the leaf itself, or a map holding it. */
function covers(key: string, leaf: string): boolean {
  return leaf === key || leaf.startsWith(`${key}/`);
}

/** Why a file a host declares secrets from is no sops file, in words (its contents are never quoted). */
function notSopsReason(path: string, error: unknown): string {
  if (statSync(path).isDirectory()) return 'it is a folder, not a file.';
  const message = (error as Error).message;
  if (/has no sops metadata|has no \[sops\] section|not encrypted/.test(message)) {
    return 'it is not encrypted with sops (it has no sops metadata): sops-nix cannot read it, and a plain file in the flake is copied into the world-readable Nix store.';
  }
  return `it is not a sops file sops-nix can read: ${message}`;
}

class FileReader {
  readonly #cache = new Map<string, FileContents | { problem: string } | null>();

  /** The file's key paths and recipients; null when it does not exist, the reason when it is no sops file. */
  read(path: string): FileContents | { problem: string } | null {
    if (!this.#cache.has(path)) this.#cache.set(path, this.#load(path));
    return this.#cache.get(path)!;
  }

  /** The file's contents when it is a sops file. */
  contents(path: string): FileContents | null {
    const read = this.read(path);
    return read && 'leaves' in read ? read : null;
  }

  #load(path: string): FileContents | { problem: string } | null {
    if (!existsSync(path)) return null;
    const format = formatForPath(path);
    try {
      const document = storeFor(format).readEncrypted(new Uint8Array(readFileSync(path)));
      const first = document.branches[0] ?? new Branch();
      return {
        format,
        leaves: leavesOf(first, ''),
        recipients: ageRecipients(readMetadata(document.metadata)).map((r) => r.recipient),
      };
    } catch (error) {
      return { problem: notSopsReason(path, error) };
    }
  }
}

export function checkSecrets({ flake, inspection, files, hosts }: CheckInput): SecretChecks {
  const reader = new FileReader();
  const shown = (path: string) => {
    const inside = relative(flake, path);
    return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
  };
  const missing: MissingSecret[] = [];
  /** Per file (absolute path): the keys some host reads, or '' when a host reads the whole file. */
  const used = new Map<string, Set<string>>();
  /** Per host and file: the secrets the host reads from it. */
  const reads = new Map<string, { host: string; path: string; secrets: string[] }>();
  const hostErrors: SecretChecks['hostErrors'] = [];
  const notSops: NotSopsFile[] = [];

  for (const [host, result] of Object.entries(inspection.hosts)) {
    if (!result.ok) {
      hostErrors.push({ host, message: result.error.message });
      continue;
    }
    for (const secret of result.manifest.secrets) {
      if (!secret.sopsFile) continue;
      const path = resolve(flake, secret.sopsFile);
      const keyed = keyedFormats.has(secretFormat(secret));
      const key = keyed ? secret.key : '';
      if (!used.has(path)) used.set(path, new Set());
      used.get(path)!.add(key);
      const slot = `${host}\0${path}`;
      if (!reads.has(slot)) reads.set(slot, { host, path, secrets: [] });
      reads.get(slot)!.secrets.push(secret.name);
      const contents = reader.read(path);
      if (!contents) {
        missing.push({ host, secret: secret.name, file: shown(path), key: secret.key, why: 'no-file' });
      } else if ('problem' in contents) {
        const entry = notSops.find((n) => n.host === host && n.file === shown(path));
        if (entry) entry.secrets.push(secret.name);
        else notSops.push({ host, file: shown(path), secrets: [secret.name], problem: contents.problem });
      } else if (keyed && !contents.leaves.some((leaf) => covers(secret.key, leaf))) {
        missing.push({ host, secret: secret.name, file: shown(path), key: secret.key, why: 'no-key' });
      }
    }
  }

  const unused: UnusedValue[] = [];
  for (const summary of files) {
    if (summary.problem) continue;
    const path = resolve(flake, summary.file);
    const contents = reader.contents(path);
    if (!contents) continue;
    const keys = used.get(path) ?? new Set<string>();
    if (keys.has('')) continue;
    if (!keyedFormats.has(contents.format)) {
      if (keys.size === 0) unused.push({ file: summary.file, key: '' });
      continue;
    }
    for (const leaf of contents.leaves) {
      if (![...keys].some((key) => covers(key, leaf))) unused.push({ file: summary.file, key: leaf });
    }
  }

  const hostKeys = new Map(hosts.map((h) => [h.host, h.fromFile]));
  const unreadable: UnreadableFile[] = [];
  for (const { host, path, secrets } of reads.values()) {
    const contents = reader.contents(path);
    if (!contents) continue;
    const hostRecipient = hostKeys.get(host);
    const file = shown(path);
    if (!hostRecipient) unreadable.push({ host, file, secrets, why: 'no-host-key' });
    else if (!contents.recipients.includes(hostRecipient)) {
      unreadable.push({ host, file, secrets, hostRecipient, why: 'not-a-recipient' });
    }
  }

  const outdated = files
    .filter((f) => f.differs && f.expected)
    .map((f) => {
      const has = new Set(f.recipients.map((r) => r.recipient));
      const wants = new Set(f.expected!.map((r) => r.recipient));
      return {
        file: f.file,
        missing: f.expected!.filter((r) => !has.has(r.recipient)),
        extra: f.recipients.filter((r) => !wants.has(r.recipient)),
      };
    });

  return {
    uses: [...reads.values()].map(({ host, path, secrets }) => ({ host, file: shown(path), secrets })),
    missing,
    notSops,
    unused,
    unreadable,
    outdated,
    hostErrors,
    evaluatedAt: inspection.evaluatedAt,
    stale: inspection.stale,
  };
}

/** sops-nix's `format`, default yaml. */
function secretFormat(secret: SecretInfo): string {
  return secret.format ?? 'yaml';
}
