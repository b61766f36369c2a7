// The `sops` metadata block (SPEC §7): read from any layout, written in sops 3.13's layout for new key groups.

import { Branch, Timestamp, isEntry } from './tree.ts';
import type { BranchItem, Entry, TreeValue } from './tree.ts';
import { checkedRules, selectorFields } from './encryption-rules.ts';
import type { EncryptionRules } from './encryption-rules.ts';
import { invalidFile } from './sops-errors.ts';

export interface AgeKey {
  recipient: string;
  /** The data key (or its Shamir share), age-encrypted and armored. */
  enc: string;
}

export interface KeyGroup {
  age: AgeKey[];
  /** Key sources Flakedeck cannot use (pgp, kms, …), kept as the file has them. */
  others: Entry[];
}

export interface SopsMetadata {
  keyGroups: KeyGroup[];
  shamirThreshold: number;
  lastModified: string;
  /** The encrypted MAC; empty when the file has none. */
  mac: string;
  rules: EncryptionRules;
  version: string;
}

/** The version whose layout Flakedeck writes for new metadata. */
export const writtenVersion = '3.13.2';

const otherKeySources = ['pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'];

function text(value: TreeValue | undefined, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Timestamp) return value.text;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw invalidFile(`The sops metadata field "${field}" should be text.`);
}

/** mapstructure's weak typing: dotenv and INI hold every value as a string. */
function integer(value: TreeValue | undefined, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'bigint' ? Number(value) : Number(text(value, field));
  if (!Number.isInteger(n) || n < 0 || n > 255) throw invalidFile(`The sops metadata field "${field}" is not a valid number.`);
  return n;
}

function flag(value: TreeValue | undefined): boolean {
  return value === true || value === 'true' || value === 'True' || value === '1';
}

/**
 * Bounds on the work a file can ask for: every age key is tried with every identity, and an `enc` sops writes holds
 * one stanza of well under 4 KiB (a post-quantum one included).
 */
const maxAgeKeys = 1000;
const maxEncBytes = 16 * 1024;

function readGroup(branch: Branch): KeyGroup {
  const age = branch.get('age');
  const ages: AgeKey[] = [];
  if (Array.isArray(age)) {
    for (const item of age) {
      if (!(item instanceof Branch)) throw invalidFile('An age key in the sops metadata is not a map.');
      const recipient = text(item.get('recipient'), 'recipient').trim();
      const enc = text(item.get('enc'), 'enc');
      if (!recipient || !enc) throw invalidFile('An age key in the sops metadata lacks its recipient or enc.');
      if (enc.length > maxEncBytes) {
        throw invalidFile(`The age-encrypted data key for ${recipient.slice(0, 80)} is ${enc.length} bytes long; sops writes well under ${maxEncBytes}.`);
      }
      ages.push({ recipient, enc });
    }
  } else if (age !== undefined && age !== null) throw invalidFile('The sops metadata field "age" should be a list.');
  const others = branch.entries().filter((e) => otherKeySources.includes(e.key) && Array.isArray(e.value) && e.value.length > 0);
  return { age: ages, others };
}

export function readMetadata(branch: Branch): SopsMetadata {
  const groupsValue = branch.get('key_groups');
  let keyGroups: KeyGroup[];
  if (Array.isArray(groupsValue) && groupsValue.length > 0) {
    keyGroups = groupsValue.map((g) => {
      if (!(g instanceof Branch)) throw invalidFile('A key group in the sops metadata is not a map.');
      return readGroup(g);
    });
  } else keyGroups = [readGroup(branch)];
  const ageKeys = keyGroups.reduce((n, g) => n + g.age.length, 0);
  if (ageKeys > maxAgeKeys) {
    throw invalidFile(`The sops metadata lists ${ageKeys} age keys; Flakedeck reads files with at most ${maxAgeKeys}.`);
  }
  if (keyGroups.every((g) => g.age.length === 0 && g.others.length === 0)) {
    throw invalidFile('The sops metadata lists no keys, so nobody can decrypt this file.');
  }
  const rules: EncryptionRules = {};
  for (const [name, field] of Object.entries(selectorFields)) {
    const value = text(branch.get(name), name);
    if (value) rules[field] = value;
  }
  if (flag(branch.get('mac_only_encrypted'))) rules.macOnlyEncrypted = true;
  return {
    keyGroups,
    shamirThreshold: integer(branch.get('shamir_threshold'), 'shamir_threshold'),
    lastModified: text(branch.get('lastmodified'), 'lastmodified'),
    mac: text(branch.get('mac'), 'mac'),
    rules: checkedRules(rules, 'The sops metadata'),
    version: text(branch.get('version'), 'version'),
  };
}

function sorted(items: Entry[]): Branch {
  return new Branch(items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
}

function ageList(keys: readonly AgeKey[]): Branch[] {
  return keys.map((k) => new Branch([{ key: 'enc', value: k.enc }, { key: 'recipient', value: k.recipient }]));
}

/** Metadata in sops 3.13's layout: every map sorted, empty fields left out (SPEC §7.2). */
export function writeMetadata(m: SopsMetadata): Branch {
  const items: Entry[] = [];
  if (m.keyGroups.length === 1) {
    const [group] = m.keyGroups as [KeyGroup];
    if (group.age.length > 0) items.push({ key: 'age', value: ageList(group.age) });
    items.push(...group.others);
  } else {
    // In a key group `age` and `hc_vault` have no omitempty, so they are always written.
    const groups = m.keyGroups.map((g) =>
      sorted([{ key: 'age', value: ageList(g.age) }, { key: 'hc_vault', value: [] }, ...g.others.filter((o) => o.key !== 'hc_vault')]),
    );
    items.push({ key: 'key_groups', value: groups });
  }
  items.push({ key: 'lastmodified', value: m.lastModified }, { key: 'mac', value: m.mac });
  if (m.rules.macOnlyEncrypted) items.push({ key: 'mac_only_encrypted', value: true });
  if (m.shamirThreshold > 0) items.push({ key: 'shamir_threshold', value: BigInt(m.shamirThreshold) });
  for (const [name, field] of Object.entries(selectorFields)) {
    const value = m.rules[field];
    if (value) items.push({ key: name, value });
  }
  items.push({ key: 'version', value: m.version });
  return sorted(items);
}

/** The file's own metadata with a new MAC and time: every other field and its layout stay as they were. */
export function withNewMac(raw: Branch, mac: string, lastModified: string): Branch {
  const items: BranchItem[] = raw.items.map((i) => {
    if (!isEntry(i)) return i;
    if (i.key === 'mac') return { key: 'mac', value: mac };
    if (i.key === 'lastmodified') return { key: 'lastmodified', value: lastModified };
    return i;
  });
  return new Branch(items);
}

/** Every age recipient of the file, group by group. */
export function ageRecipients(m: SopsMetadata): { recipient: string; group: number }[] {
  return m.keyGroups.flatMap((g, group) => g.age.map((k) => ({ recipient: k.recipient, group })));
}

/** The age recipients, one list per key group. */
export function ageGroups(m: SopsMetadata): string[][] {
  return m.keyGroups.map((g) => g.age.map((k) => k.recipient));
}

/** Whether two lists of key groups hold the same recipients, group by group, in any order within a group. */
export function sameGroups(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  const key = (g: readonly string[]) => [...new Set(g)].sort().join(',');
  return a.length === b.length && a.every((g, i) => key(g) === key(b[i]!));
}
