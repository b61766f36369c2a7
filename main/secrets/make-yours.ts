// "Make this repository yours": the user's key and the hosts' real keys replace the published demo keys in
// .sops.yaml, and every secret file gets the new recipients and a new data key. Everything is prepared and checked
// in memory first (each file opened with a key that opens it now, rotated, and opened again with the user's key, on
// the sops worker thread); a plan shows it, and applying writes it only if nothing changed since and nothing blocks it.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type {
  AnchorChange,
  DemoValueChange,
  FileRotation,
  HostKeyChange,
  LoginChanges,
  MakeYoursChoices,
  MakeYoursPlan,
  MakeYoursReport,
} from '../../common/model/make-yours.ts';
import type { KeyIdentity } from '../../common/model/keys.ts';
import type { SecretRecipient } from '../../common/model/secrets.ts';
import { recipientOf } from '../keys/age-identities.ts';
import { hostFolders, hostKeyFile } from '../keys/host-recipients.ts';
import type { KeyService } from '../keys/key-service.ts';
import { sshPublicKeyToAge } from '../keys/ssh-to-age.ts';
import { readVersioned, writeAtomically } from './atomic-file.ts';
import type { FileVersion } from './atomic-file.ts';
import { demoKeys } from './demo-keys.ts';
import { listedDemoValues, replaceDemoValues } from './demo-values.ts';
import { ageGroups } from './metadata.ts';
import {
  checkedLoginKeys,
  demoLoginKeys,
  findDemoLoginKeys,
  hashPassword,
  passwordHashes,
  replaceDemoLines,
  withPasswordHash,
} from './login-material.ts';
import type { OpenedFile } from './sops-file.ts';
import { findSopsConfig, parseSopsConfig, ruleForFile } from './sops-config.ts';
import type { SopsConfig } from './sops-config.ts';
import { recipientAnchors, replaceRecipients } from './sops-config-edit.ts';
import { openInWorker, secretsOf, sopsThread } from './sops-thread.ts';
import type { SopsThread } from './sops-thread.ts';
import { formatForPath } from './stores/index.ts';
import { encodeTrees, sendOpened } from './tree-transfer.ts';

export const demoKeyLabel = 'demo-admin';

interface PendingWrite {
  path: string;
  bytes: Uint8Array;
  version: FileVersion | undefined;
}

interface Prepared {
  plan: MakeYoursPlan;
  writes: PendingWrite[];
  youIdentity: string;
  demoIdentity?: string;
}

interface HostKey {
  host: string;
  file: string;
  current?: { line: string; recipient: string };
  given?: { line: string; recipient: string };
}

const utf8 = new TextEncoder();

/** The key part of a host key line (`ssh-ed25519 AAAA… comment`), without what ssh-keyscan puts before it. */
function keyLine(host: string, text: string): { line: string; recipient: string } {
  const fields = text.trim().split(/\s+/);
  const at = fields.indexOf('ssh-ed25519');
  const line = at === -1 ? text.trim() : fields.slice(at).join(' ');
  try {
    return { line, recipient: sshPublicKeyToAge(line) };
  } catch (error) {
    const e = error as ApiError;
    throw new ApiError({ code: 'INVALID_KEY', message: `The key given for ${host}: ${e.message}`, hint: e.hint });
  }
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class MakeYours {
  readonly #flake: () => string;
  readonly #keys: KeyService;
  readonly #thread: SopsThread;

  /** `thread`: where the files are opened and rotated (the sops worker the app and the command line share). */
  constructor(flake: () => string, keys: KeyService, thread = sopsThread) {
    this.#flake = flake;
    this.#keys = keys;
    this.#thread = thread;
  }

  async plan(choices: MakeYoursChoices): Promise<MakeYoursPlan> {
    return (await this.#prepare(choices)).plan;
  }

  /** Writes what the plan showed: .sops.yaml, the host keys given, then every secret file; then reads each back. */
  async apply(choices: MakeYoursChoices, fingerprint: string, keepDemoKey = false): Promise<MakeYoursReport> {
    const flake = this.#flake();
    const prepared = await this.#prepare(choices);
    if (prepared.plan.fingerprint !== fingerprint) {
      throw new ApiError({
        code: 'FILE_CHANGED',
        message: 'The repository or the choices changed since the plan was shown; nothing was written.',
        hint: 'Review the new plan, then confirm again.',
      });
    }
    if (prepared.plan.blockers.length > 0) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `Nothing was written: ${prepared.plan.blockers.join(' ')}`,
      });
    }
    const written: string[] = [];
    for (const write of prepared.writes) {
      try {
        writeAtomically(write.path, write.bytes, write.version);
      } catch (error) {
        const e = error instanceof ApiError ? error : undefined;
        throw new ApiError({
          code: e?.code ?? 'INTERNAL',
          message: `Stopped at ${relative(flake, write.path)}: ${(error as Error).message} Written before it: ${written.join(', ') || 'nothing'}.`,
          hint: 'The files not written keep their old keys. Run this again: it opens each file with the key that opens it now.',
        });
      }
      written.push(relative(flake, write.path));
    }
    const files: MakeYoursReport['files'] = [];
    for (const { file } of prepared.plan.files) {
      const path = join(flake, file);
      const bytes = new Uint8Array(readFileSync(path));
      const format = formatForPath(path);
      const opens = (identity: string) =>
        openInWorker(bytes, format, { identities: [identity], file: path }, { thread: this.#thread }).then(
          () => true,
          () => false,
        );
      files.push({
        file,
        opensWithYourKey: await opens(prepared.youIdentity),
        ...(prepared.demoIdentity && { demoKeyLockedOut: !(await opens(prepared.demoIdentity)) }),
      });
    }
    const report: MakeYoursReport = { written, files, values: prepared.plan.values };
    if (keepDemoKey && prepared.plan.demoKey) {
      const kept = await this.#keys.importFile(join(flake, prepared.plan.demoKey.file), demoKeyLabel, false);
      report.keptDemoKey = kept.imported[0];
    }
    return report;
  }

  async #prepare(choices: MakeYoursChoices): Promise<Prepared> {
    const flake = this.#flake();
    const blockers: string[] = [];
    const warnings: string[] = [];
    const you = await this.#keys.publicKey(choices.identity);
    const youIdentity = await this.#keys.identity(choices.identity);
    const demo = await demoKeys(flake);
    if (demo.recipients.has(you.publicKey)) {
      blockers.push(`"${you.label}" is a published demo key: generate your own key, or pick another.`);
    }

    const configPath = findSopsConfig(flake);
    const inFlake = configPath && !relative(flake, configPath).startsWith('..') && !isAbsolute(relative(flake, configPath));
    if (!configPath || !inFlake) {
      throw new ApiError({
        code: 'SOPS_CONFIG',
        message: `${flake} has no .sops.yaml.`,
        hint: 'Making the repository yours rewrites the recipients of its .sops.yaml; create one first.',
      });
    }
    const config = readVersioned(configPath);
    const configText = new TextDecoder().decode(config.bytes);

    const hosts = this.#hostKeys(flake, choices.hostKeys ?? {});
    const anchors = this.#anchors(configText, configPath, hosts, you, choices.userAnchors, demo.recipients);
    for (const a of anchors) {
      if (a.role !== 'kept' && a.from.length > 1) {
        blockers.push(`The anchor &${a.anchor} holds ${a.from.length} recipients; Flakedeck replaces one key per anchor.`);
      }
    }
    if (anchors.length === 0) {
      blockers.push(
        '.sops.yaml names no recipient with a YAML anchor (`- &admin age1…`); Flakedeck replaces anchored recipients only.',
      );
    } else if (!anchors.some((a) => a.role === 'you')) {
      blockers.push('No anchor of .sops.yaml is marked as yours, so your key would read nothing: choose yours.');
    }
    const replacements = new Map<string, string>();
    for (const a of anchors) if (a.role !== 'kept' && a.from.length === 1) replacements.set(a.from[0]!, a.to[0]!);
    const edited = replaceRecipients(configText, replacements, configPath);
    const newConfig = parseSopsConfig(edited.text, configPath);

    const hostChanges: HostKeyChange[] = hosts.map((h) => {
      const to = h.given ?? h.current;
      return {
        host: h.host,
        file: relative(flake, h.file),
        ...(h.current && { from: h.current.recipient }),
        ...(to && { to: to.recipient }),
        writes: !!h.given && h.given.line !== h.current?.line,
        demo: !!to && demo.recipients.has(to.recipient),
      };
    });
    // A host key is never made here: its private half must be on the host, which only the user can put there.
    for (const h of hostChanges) {
      if (h.demo) {
        blockers.push(
          `${h.host} still has the published demo host key in ${h.file}: anyone could read its secrets. Give its real key (ask the running host with ssh-keyscan; for a host not installed yet, make one with \`ssh-keygen -t ed25519 -N '' -f ssh_host_ed25519_key\` and keep the private half for the install), or remove hosts/${h.host}/ if you do not use it.`,
        );
      } else if (!h.to) warnings.push(`${h.host} has no host key in ${h.file}: it is left out.`);
    }
    for (const a of anchors) {
      if (a.role === 'kept' && a.demo) {
        blockers.push(`&${a.anchor} in .sops.yaml is a published demo key and is kept: mark it as yours, or remove it.`);
      }
    }

    const { login, loginWrites } = this.#loginKeys(flake, choices, blockers);
    const newHash = choices.password === undefined ? undefined : hashPassword(choices.password);

    const useDemo = !!choices.useDemoKey && !!demo.identity;
    const listedValues = listedDemoValues(flake);
    const values: DemoValueChange[] = [];
    const keychain = await this.#keys.identities();
    const oldNames = recipientNamesOf(parseSopsConfig(configText, configPath), hosts, 'current');
    const newNames = recipientNamesOf(newConfig, hosts, 'new');
    const files: FileRotation[] = [];
    const fileWrites: PendingWrite[] = [];
    const fingerprintParts: string[] = [sha256(config.bytes)];
    for (const summary of (await this.#thread.run('list', secretsOf(flake), [flake])).files) {
      const path = join(flake, summary.file);
      if (summary.problem) {
        blockers.push(`${summary.file} cannot be read: ${summary.problem}`);
        files.push({ file: summary.file, from: [], to: [] });
        continue;
      }
      const { bytes, version } = readVersioned(path);
      fingerprintParts.push(`${summary.file}:${version.sha256}`);
      const format = formatForPath(path);
      const opened = await openWithAny(this.#thread, bytes, format, path, keychain, useDemo ? demo.identity : undefined);
      // Who reads it now: as the opened file says, else as the list read it (no key at hand opens it).
      const current = 'file' in opened ? ageGroups(opened.file.metadata) : groupsOf(summary.recipients);
      const groups = targetGroups(newConfig, path, current, replacements);
      const rotation: FileRotation = {
        file: summary.file,
        from: named(numbered(current), oldNames),
        to: named(numbered(groups), newNames),
      };
      files.push(rotation);
      if ('problem' in opened) {
        const offer = demo.identity && !useDemo ? ' The demo admin key of this repository may open it: allow it.' : '';
        blockers.push(`${summary.file} does not open: ${opened.problem}${offer}`);
        continue;
      }
      rotation.opensWith = opened.by;
      // Every value of a file anyone can read (it is encrypted to a published key) is published: a hash gives the
      // password away to a dictionary, and the rest is demo material to replace.
      const readableByAnyone = current.flat().some((recipient) => demo.recipients.has(recipient));
      const isDemo = (value: string) => readableByAnyone || listedValues.has(value);
      const hashes = passwordHashes(opened.file.plaintext);
      for (const { key, value } of hashes) {
        const published = isDemo(value);
        login.passwordHashes.push({ file: summary.file, key, demo: published, writes: !!newHash });
        if (published && !newHash) {
          blockers.push(
            `${summary.file} holds the password hash ${key}, readable by anyone with the published demo keys: give a new password.`,
          );
        }
      }
      const hashed = newHash && hashes.length ? withPasswordHash(opened.file.plaintext, newHash) : opened.file.plaintext;
      const replaced = replaceDemoValues(hashed, summary.file, isDemo);
      values.push(...replaced.changes);
      try {
        const { plaintext: _plaintext, ...sealed } = opened.file;
        const plan = { groups, shamirThreshold: opened.file.metadata.shamirThreshold };
        const rekeyed = await this.#thread.run('rekey', path, [
          sendOpened(sealed),
          encodeTrees(replaced.branches),
          plan,
          path,
          youIdentity,
        ]);
        if (!rekeyed.opens) {
          blockers.push(`${summary.file} would not open with your key afterwards: make it a recipient in .sops.yaml.`);
        }
        fileWrites.push({ path, bytes: rekeyed.bytes, version });
      } catch (error) {
        blockers.push(`${summary.file} cannot be rotated: ${(error as Error).message}`);
      }
    }
    if (files.some((f) => f.opensWith === 'demo')) {
      warnings.push(
        `The published demo admin key (${relative(flake, demo.file!)}) opens ${files.filter((f) => f.opensWith === 'demo').length} of the files for this run only: it is read from the repository into memory and not stored in your keychain.`,
      );
    }

    const hostWrites: PendingWrite[] = hosts
      .filter((h) => h.given && h.given.line !== h.current?.line)
      .map((h) => ({
        path: h.file,
        bytes: utf8.encode(`${h.given!.line}\n`),
        version: existsSync(h.file) ? readVersioned(h.file).version : undefined,
      }));
    for (const h of hosts) fingerprintParts.push(`${h.host}:${h.current?.line ?? ''}>${h.given?.line ?? ''}`);
    fingerprintParts.push(
      you.publicKey,
      anchors.map((a) => `${a.anchor}=${a.role}`).join(','),
      `demo:${useDemo}`,
      `login:${(choices.loginKeys ?? []).join('|')}`,
      // Whether a password is set, never the password: the fingerprint reaches the renderer.
      `password:${newHash !== undefined}`,
      ...login.keyFiles.map((f) => `${f.file}:${f.lines.join(',')}`),
    );

    const plan: MakeYoursPlan = {
      you,
      sopsConfig: relative(flake, configPath),
      anchors,
      configLines: edited.changed,
      hosts: hostChanges,
      files,
      login,
      values,
      ...(demo.file &&
        demo.identity && { demoKey: { file: relative(flake, demo.file), publicKey: await recipientOf(demo.identity) } }),
      blockers,
      warnings,
      fingerprint: sha256(fingerprintParts.join('\n')),
    };
    const writes = [
      { path: configPath, bytes: utf8.encode(edited.text), version: config.version },
      ...hostWrites,
      ...loginWrites,
      ...fileWrites,
    ];
    return { plan, writes, youIdentity, ...(demo.identity && { demoIdentity: demo.identity }) };
  }

  /** The demo login keys of the flake, and the authorized_keys files rewritten with the user's keys. */
  #loginKeys(
    flake: string,
    choices: MakeYoursChoices,
    blockers: string[],
  ): { login: LoginChanges; loginWrites: PendingWrite[] } {
    const demo = demoLoginKeys(flake);
    const given = checkedLoginKeys(choices.loginKeys ?? [], demo);
    const login: LoginChanges = { keyFiles: [], passwordHashes: [] };
    const loginWrites: PendingWrite[] = [];
    for (const found of findDemoLoginKeys(flake, demo)) {
      const writes = found.authorizedKeys && given.length > 0;
      login.keyFiles.push({ file: found.file, lines: found.lines, writes });
      const where = `${found.file}:${found.lines[0]}`;
      if (!found.authorizedKeys) {
        blockers.push(`${where} holds a published demo login key: replace it with your public key by hand.`);
      } else if (!writes) {
        blockers.push(
          `${where} lets anyone with the published demo login key log in: give your SSH public key to replace it.`,
        );
      } else {
        const path = join(flake, found.file);
        loginWrites.push({ path, bytes: utf8.encode(replaceDemoLines(found, given)), version: readVersioned(path).version });
      }
    }
    return { login, loginWrites };
  }

  #hostKeys(flake: string, given: Record<string, string>): HostKey[] {
    const folders = hostFolders(flake);
    for (const host of Object.keys(given)) {
      if (!folders.includes(host)) {
        throw new ApiError({ code: 'UNKNOWN_HOST', message: `There is no folder hosts/${host}/ in this flake.` });
      }
    }
    return folders.map((host) => {
      const file = join(flake, 'hosts', host, hostKeyFile);
      let current: HostKey['current'];
      if (existsSync(file)) {
        try {
          current = keyLine(host, readFileSync(file, 'utf8'));
        } catch {
          // A damaged or non-ed25519 key file counts as no key; the plan says the host is left out.
        }
      }
      const text = given[host]?.trim();
      return { host, file, ...(current && { current }), ...(text && { given: keyLine(host, text) }) };
    });
  }

  #anchors(
    text: string,
    file: string,
    hosts: HostKey[],
    you: KeyIdentity,
    chosen: string[] | undefined,
    demo: Set<string>,
  ): AnchorChange[] {
    const anchors = recipientAnchors(text, file);
    const hostOf = (a: { anchor: string; recipients: string[] }) =>
      hosts.find((h) => h.current && a.recipients.includes(h.current.recipient)) ??
      hosts.find((h) => h.host === a.anchor);
    const people = anchors.filter((a) => !hostOf(a)).map((a) => a.anchor);
    for (const anchor of chosen ?? []) {
      if (!people.includes(anchor)) {
        throw new ApiError({
          code: 'INVALID_ARGUMENTS',
          message: `&${anchor} is not a recipient anchor of .sops.yaml that belongs to no host.`,
          hint: `Anchors that can be yours: ${people.map((p) => `&${p}`).join(', ') || 'none'}.`,
        });
      }
    }
    const yours = chosen ?? (people.includes('admin') ? ['admin'] : people.length === 1 ? people : []);
    return anchors.map((a): AnchorChange => {
      const host = hostOf(a);
      const hostKey = host && (host.given ?? host.current);
      if (hostKey) {
        return { anchor: a.anchor, role: 'host', host: host.host, from: a.recipients, to: [hostKey.recipient], demo: demo.has(hostKey.recipient) };
      }
      if (yours.includes(a.anchor)) {
        return { anchor: a.anchor, role: 'you', from: a.recipients, to: [you.publicKey], demo: false };
      }
      return { anchor: a.anchor, role: 'kept', from: a.recipients, to: a.recipients, demo: a.recipients.some((r) => demo.has(r)) };
    });
  }
}

/** The recipients the file gets: its rule in the new .sops.yaml, else its own (`current`) with the replaced keys swapped. */
function targetGroups(
  config: SopsConfig,
  path: string,
  current: readonly string[][],
  replacements: ReadonlyMap<string, string>,
): string[][] {
  try {
    return ruleForFile(config, path).plan.groups;
  } catch {
    return current.map((g) => g.map((recipient) => replacements.get(recipient) ?? recipient));
  }
}

/** Key groups again from recipients numbered by group (as the list of secret files gives them). */
function groupsOf(recipients: readonly { recipient: string; group: number }[]): string[][] {
  const groups: string[][] = [];
  for (const { recipient, group } of recipients) (groups[group] ??= []).push(recipient);
  return Array.from(groups, (g) => g ?? []);
}

/** Recipients numbered by their key group. */
function numbered(groups: readonly string[][]): { recipient: string; group: number }[] {
  return groups.flatMap((g, group) => g.map((recipient) => ({ recipient, group })));
}

/** Display names: `host:<name>` for host keys, then the config's anchors. */
function recipientNamesOf(config: SopsConfig, hosts: HostKey[], which: 'current' | 'new'): Map<string, string> {
  const names = new Map<string, string>();
  for (const h of hosts) {
    const key = which === 'current' ? h.current : (h.given ?? h.current);
    if (key) names.set(key.recipient, `host:${h.host}`);
  }
  for (const [recipient, anchor] of config.names) names.set(recipient, anchor);
  return names;
}

function named(recipients: { recipient: string; group: number }[], names: Map<string, string>): SecretRecipient[] {
  return recipients.map((r) => ({ ...r, ...(names.has(r.recipient) && { name: names.get(r.recipient) }) }));
}

/** Opens with the keychain's keys, else with the demo key when allowed; says which one did, or why none did. */
async function openWithAny(
  thread: SopsThread,
  bytes: Uint8Array,
  format: ReturnType<typeof formatForPath>,
  file: string,
  keychain: readonly string[],
  demo: string | undefined,
): Promise<{ file: OpenedFile; by: 'keychain' | 'demo' } | { problem: string }> {
  let problem = 'no key';
  for (const [by, identities] of [
    ['keychain', keychain],
    ['demo', demo ? [demo] : []],
  ] as const) {
    if (identities.length === 0) continue;
    try {
      return { file: await openInWorker(bytes, format, { identities, file }, { thread }), by };
    } catch (error) {
      problem = (error as Error).message;
      if (!(error instanceof ApiError) || error.code !== 'NO_IDENTITY') break;
    }
  }
  if (problem === 'no key') problem = 'none of your age keys can decrypt it.';
  return { problem };
}
