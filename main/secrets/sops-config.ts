// `.sops.yaml`: found as sops finds it, and its creation rules matched to a file as sops matches them (SPEC §10).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parseDocument, isScalar, visit } from 'yaml';
import { ApiError } from '../../common/api/errors.ts';
import { checkedRules, selectorFields } from './encryption-rules.ts';
import type { EncryptionRules } from './encryption-rules.ts';
import { goRegexp } from './go-regexp.ts';
import type { StoreSettings } from './stores/store.ts';
import type { KeyPlan } from './sops-file.ts';

export interface CreationRule {
  pathRegex?: string;
  plan: KeyPlan;
  rules: EncryptionRules;
  /** Key kinds the rule lists that Flakedeck cannot encrypt to (pgp, kms, …). */
  unsupported: string[];
}

export interface SopsConfig {
  file: string;
  rules: CreationRule[];
  stores: StoreSettings;
  /** Anchor names of the recipients (`- &admin age1…`), to show who a key is. */
  names: Map<string, string>;
}

const configName = '.sops.yaml';
const otherKinds = ['pgp', 'kms', 'gcp_kms', 'azure_keyvault', 'hc_vault_transit_uri', 'hc_vault', 'hckms'];

function configError(file: string, message: string, hint = 'Fix .sops.yaml and try again.'): ApiError {
  return new ApiError({ code: 'SOPS_CONFIG', message: `${file}: ${message}`, hint });
}

/** sops looks in the working directory and up to 100 parents; `.sops.yml` does not count. */
export function findSopsConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (let i = 0; i <= 100; i++) {
    const candidate = join(dir, configName);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
  return undefined;
}

/** A comma-separated string (trimmed, empties dropped) or a list. */
function keyList(value: unknown, file: string, field: string): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!items || items.some((i) => typeof i !== 'string')) throw configError(file, `"${field}" must be a string or a list of strings.`);
  return (items as string[]).map((s) => s.trim()).filter((s) => s !== '');
}

function groupOf(raw: Record<string, unknown>, file: string, unsupported: Set<string>): string[] {
  const age = keyList(raw.age, file, 'age');
  for (const kind of otherKinds) if (raw[kind] !== undefined && raw[kind] !== null) unsupported.add(kind);
  const merged = Array.isArray(raw.merge) ? raw.merge.flatMap((g) => groupOf(g as Record<string, unknown>, file, unsupported)) : [];
  return [...new Set([...age, ...merged])];
}

function ruleOf(raw: unknown, file: string, index: number): CreationRule {
  if (typeof raw !== 'object' || raw === null) throw configError(file, `creation rule ${index + 1} is not a mapping.`);
  const r = raw as Record<string, unknown>;
  const unsupported = new Set<string>();
  let groups: string[][];
  if (Array.isArray(r.key_groups) && r.key_groups.length > 0) {
    groups = r.key_groups.map((g) => groupOf(g as Record<string, unknown>, file, unsupported));
  } else groups = [groupOf(r, file, unsupported)];
  const rules: EncryptionRules = {};
  for (const [name, field] of Object.entries(selectorFields)) {
    if (typeof r[name] === 'string' && r[name] !== '') rules[field] = r[name] as string;
  }
  if (r.mac_only_encrypted === true) rules.macOnlyEncrypted = true;
  const pathRegex = typeof r.path_regex === 'string' && r.path_regex !== '' ? r.path_regex : undefined;
  if (pathRegex) goRegexp(pathRegex);
  return {
    pathRegex,
    plan: { groups, shamirThreshold: typeof r.shamir_threshold === 'number' ? r.shamir_threshold : 0 },
    rules: checkedRules(rules, `${file}: creation rule ${index + 1}`),
    unsupported: [...unsupported],
  };
}

function indentOf(stores: Record<string, unknown> | undefined, name: string): number | undefined {
  const store = stores?.[name] as Record<string, unknown> | undefined;
  return typeof store?.indent === 'number' ? store.indent : undefined;
}

export function parseSopsConfig(text: string, file: string): SopsConfig {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw configError(file, `it is not valid YAML: ${doc.errors[0]!.message}`);
  const names = new Map<string, string>();
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && node.anchor && typeof node.value === 'string') {
        for (const recipient of keyList(node.value, file, node.anchor)) names.set(recipient, node.anchor);
      }
    },
  });
  const data = (doc.toJS({ maxAliasCount: 10_000 }) ?? {}) as Record<string, unknown>;
  const rawRules = data.creation_rules;
  if (rawRules !== undefined && !Array.isArray(rawRules)) throw configError(file, '"creation_rules" must be a list.');
  const stores = data.stores as Record<string, unknown> | undefined;
  return {
    file,
    rules: (rawRules ?? []).map((r, i) => ruleOf(r, file, i)),
    stores: { yamlIndent: indentOf(stores, 'yaml'), jsonIndent: indentOf(stores, 'json'), jsonBinaryIndent: indentOf(stores, 'json_binary') },
    names,
  };
}

export function loadSopsConfig(file: string): SopsConfig {
  return parseSopsConfig(readFileSync(file, 'utf8'), file);
}

/** The first rule whose path_regex matches the file's path relative to the config's folder. */
export function ruleForFile(config: SopsConfig, filePath: string): CreationRule {
  if (config.rules.length === 0) {
    throw configError(config.file, 'it has no creation rules, so there is no one to encrypt for.', 'Add a creation rule with the age recipients.');
  }
  const folder = dirname(resolve(config.file)) + sep;
  const absolute = resolve(filePath);
  const relative = absolute.startsWith(folder) ? absolute.slice(folder.length) : absolute;
  const rule = config.rules.find((r) => !r.pathRegex || goRegexp(r.pathRegex).test(relative));
  if (!rule) {
    throw configError(config.file, `no creation rule matches ${relative}.`, 'Add a creation rule whose path_regex matches this file.');
  }
  if (rule.plan.groups.every((g) => g.length === 0)) {
    const also = rule.unsupported.length ? ` (it lists ${rule.unsupported.join(', ')}, which Flakedeck does not support)` : '';
    throw configError(config.file, `the creation rule for ${relative} has no age recipients${also}.`);
  }
  return rule;
}

/** The config that applies when started from `start`, or a clear error when there is none. */
export function requireSopsConfig(start: string): SopsConfig {
  const file = findSopsConfig(start);
  if (!file) {
    throw new ApiError({
      code: 'SOPS_CONFIG',
      message: `No .sops.yaml in ${resolve(start)} or any folder above it.`,
      hint: 'Create .sops.yaml with creation rules (path_regex and age recipients) at the root of your flake.',
    });
  }
  return loadSopsConfig(file);
}
