// A new secrets file under secrets/: the creation rule of .sops.yaml that matches its path decides who can read it
// (as sops decides), and it is created encrypted with one first value, never as plaintext on disk.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { NewSecretFilePreview } from '../../common/model/secrets.ts';
import { writeAtomically } from './atomic-file.ts';
import { demoKeys } from './demo-keys.ts';
import { recipientNames } from './recipients-view.ts';
import { findSopsConfig, loadSopsConfig, ruleForFile } from './sops-config.ts';
import type { CreationRule, SopsConfig } from './sops-config.ts';
import { newDataKey } from './data-key.ts';
import { checkWritten, encryptPlain } from './sops-file.ts';
import { formatForPath, storeFor } from './stores/index.ts';
import { Branch } from './tree.ts';

/** Formats a file can be started in with one key; INI needs sections and binary holds no keys. */
const keyedFormats = new Set(['yaml', 'json', 'dotenv']);

function refuse(message: string, hint: string): ApiError {
  return new ApiError({ code: 'INVALID_ARGUMENTS', message, hint });
}

interface Resolved {
  path: string;
  file: string;
  config: SopsConfig;
  rule: CreationRule;
}

/** The path checked (inside secrets/, new, a format with keys) and the rule that matches it, or why not. */
function resolveNewFile(flake: string, file: string): Resolved {
  const path = resolve(flake, file);
  const inside = relative(join(flake, 'secrets'), path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw refuse(`${file} is not inside secrets/.`, 'The Secrets view keeps sops files under secrets/: give a path like secrets/web.yaml.');
  }
  const shown = relative(flake, path);
  if (existsSync(path)) throw refuse(`${shown} exists already.`, 'Open it from the list, or choose another name.');
  const format = formatForPath(path);
  if (!keyedFormats.has(format)) {
    throw refuse(
      `${shown} would be a ${format} file; a new file here is YAML, JSON or dotenv.`,
      'End the name with .yaml, .json or .env, or create it with sops.',
    );
  }
  const configFile = findSopsConfig(flake);
  const configInside = configFile ? relative(flake, configFile) : '..';
  if (!configFile || configInside.startsWith('..') || isAbsolute(configInside)) {
    throw new ApiError({
      code: 'SOPS_CONFIG',
      message: `${flake} has no .sops.yaml, so no one is named to read ${shown}.`,
      hint: 'Add .sops.yaml with a creation rule (path_regex and age recipients) at the root of the flake.',
    });
  }
  const config = loadSopsConfig(configFile);
  try {
    return { path, file: shown, config, rule: ruleForFile(config, path) };
  } catch (error) {
    const e = error as ApiError;
    const patterns = config.rules.map((r) => r.pathRegex ?? '(any file)');
    throw new ApiError({
      code: 'SOPS_CONFIG',
      message: `No creation rule of .sops.yaml can encrypt ${shown}: ${e.message.replace(`${config.file}: `, '')}`,
      hint: `The rules' path_regex (RE2, matched against the path from the folder of .sops.yaml): ${patterns.join(', ') || 'none'}. Choose a path one of them matches, or add a rule.`,
    });
  }
}

/** sops keeps its metadata under `sops` (`sops_…` in dotenv), and a dotenv key is one `KEY=` on one line. */
function checkFirstKey(key: string, format: string): void {
  if (key === 'sops' || (format === 'dotenv' && key.startsWith('sops_'))) {
    throw refuse(`"${key}" is where sops keeps its own metadata.`, 'Choose another name for the first key.');
  }
  if (format === 'dotenv' && (/[=\n]/.test(key) || key.startsWith('#'))) {
    throw refuse(`"${key}" cannot be a dotenv key: it may not hold "=" or a line break, nor start with "#".`, 'Use a name like API_TOKEN.');
  }
  if (key.includes('\n')) throw refuse('The first key holds a line break.', 'Give it a name on one line.');
}

/** Which rule matches the path and who will be able to read the file; throws why when it cannot be created. */
export async function previewNewSecretFile(flake: string, file: string): Promise<NewSecretFilePreview> {
  const { file: shown, config, rule } = resolveNewFile(flake, file);
  const names = await recipientNames(flake, config);
  const demo = (await demoKeys(flake)).recipients;
  return {
    file: shown,
    format: formatForPath(shown),
    rule: { index: config.rules.indexOf(rule) + 1, ...(rule.pathRegex && { pathRegex: rule.pathRegex }) },
    recipients: rule.plan.groups.flatMap((g, group) =>
      g.map((recipient) => ({
        recipient,
        group,
        ...(names.has(recipient) && { name: names.get(recipient) }),
        ...(demo.has(recipient) && { demo: true }),
      })),
    ),
  };
}

/** Creates the file encrypted to its rule's recipients, holding `key` with the text `value`; checked before it is written. */
export async function createSecretFile(flake: string, file: string, key: string, value: string): Promise<string> {
  const { path, file: shown, config, rule } = resolveNewFile(flake, file);
  const format = formatForPath(path);
  checkFirstKey(key, format);
  const store = storeFor(format, config.stores);
  const plaintext = store.writePlain([new Branch([{ key, value }])]);
  const dataKey = newDataKey();
  const bytes = await encryptPlain(plaintext, format, { plan: rule.plan, rules: rule.rules, settings: config.stores, dataKey });
  await checkWritten(bytes, format, { identities: [], dataKey, file: path, settings: config.stores });
  mkdirSync(dirname(path), { recursive: true });
  writeAtomically(path, bytes, undefined);
  return shown.split(sep).join('/');
}
