// .sops.yaml creation rules as sops reads them, and this repository's own .sops.yaml.

import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { identityToRecipient } from 'age-encryption';
import { findSopsConfig, loadSopsConfig, parseSopsConfig, ruleForFile } from './sops-config.ts';
import { sshPrivateKeyToAge, sshPublicKeyToAge } from '../keys/ssh-to-age.ts';
import { hostFolders } from '../keys/host-recipients.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const a = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
const b = 'age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep';

describe('.sops.yaml creation rules', () => {
  const config = parseSopsConfig(
    [
      'keys:',
      `  - &admin ${a}`,
      `  - &host ${b}`,
      'creation_rules:',
      '  - path_regex: secrets/dev/.*\\.yaml$',
      `    age: " ${a} , ${b},"`,
      '    encrypted_regex: ^(data|stringData)$',
      '  - path_regex: secrets/split\\.yaml$',
      '    shamir_threshold: 2',
      '    key_groups:',
      '      - age: [*admin]',
      '      - age: [*host]',
      '        merge:',
      '          - age: [*admin]',
      '  - path_regex: secrets/pgp\\.yaml$',
      '    pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4',
      '  - age: *admin',
      'stores:',
      '  yaml:',
      '    indent: 2',
      '',
    ].join('\n'),
    '/flake/.sops.yaml',
  );

  it('matches path_regex against the path relative to the config folder, first rule wins', () => {
    const dev = ruleForFile(config, '/flake/secrets/dev/app.yaml');
    expect(dev.plan).toEqual({ groups: [[a, b]], shamirThreshold: 0 });
    expect(dev.rules).toEqual({ encryptedRegex: '^(data|stringData)$' });
    expect(ruleForFile(config, '/flake/other.yaml').plan.groups).toEqual([[a]]);
  });

  it('reads key groups with merge and a Shamir threshold', () => {
    expect(ruleForFile(config, '/flake/secrets/split.yaml').plan).toEqual({ groups: [[a], [b, a]], shamirThreshold: 2 });
  });

  it('defaults to the _unencrypted suffix and reads stores settings', () => {
    expect(ruleForFile(config, '/flake/x.yaml').rules).toEqual({ unencryptedSuffix: '_unencrypted' });
    expect(config.stores.yamlIndent).toBe(2);
  });

  it('names recipients after their anchors', () => {
    expect(config.names.get(a)).toBe('admin');
    expect(config.names.get(b)).toBe('host');
  });

  it('says what is wrong: a rule without age keys, no rule, two selectors', () => {
    expect(() => ruleForFile(config, '/flake/secrets/pgp.yaml')).toThrow(/no age recipients \(it lists pgp/);
    const none = parseSopsConfig(`creation_rules:\n  - path_regex: only\\.yaml$\n    age: ${a}\n`, '/f/.sops.yaml');
    expect(() => ruleForFile(none, '/f/other.yaml')).toThrow(/no creation rule matches other\.yaml/);
    expect(() => parseSopsConfig(`creation_rules:\n  - age: ${a}\n    encrypted_regex: x\n    unencrypted_suffix: y\n`, '/f/.sops.yaml')).toThrow(/sops allows only one/);
    expect(() => parseSopsConfig('creation_rules: [', '/f/.sops.yaml')).toThrow(/not valid YAML/);
  });

  it('is found in the starting folder or above, as sops looks for it', () => {
    const root = mkdtempSync(join(tmpdir(), 'flakedeck-config-'));
    dirs.push(root);
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, '.sops.yaml'), `creation_rules:\n  - age: ${a}\n`);
    writeFileSync(join(root, 'a', '.sops.yml'), 'ignored: true\n');
    expect(findSopsConfig(join(root, 'a', 'b'))).toBe(join(root, '.sops.yaml'));
  });
});

describe("the repository's .sops.yaml", () => {
  const file = join(repoRoot, '.sops.yaml');

  it.skipIf(!existsSync(file))('parses, has a rule for each host file and common.yaml, and names every recipient', () => {
    const config = loadSopsConfig(file);
    const hosts = hostFolders(repoRoot);
    expect(hosts.length).toBeGreaterThan(0);
    for (const name of [...hosts, 'common']) {
      const rule = ruleForFile(config, join(repoRoot, 'secrets', `${name}.yaml`));
      expect(rule.plan.groups.flat().every((r) => config.names.has(r))).toBe(true);
    }
  });

  it.skipIf(!existsSync(file))("lists each host's ssh-to-age recipient from hosts/<name>/, and the demo keys match it", async () => {
    const config = loadSopsConfig(file);
    const byName = new Map([...config.names].map(([recipient, name]) => [name, recipient]));
    for (const host of hostFolders(repoRoot)) {
      const recipient = sshPublicKeyToAge(readFileSync(join(repoRoot, 'hosts', host, 'ssh_host_ed25519_key.pub'), 'utf8'));
      expect(byName.get(host)).toBe(recipient);
      expect(ruleForFile(config, join(repoRoot, 'secrets', `${host}.yaml`)).plan.groups.flat()).toContain(recipient);
      const demoKey = join(repoRoot, 'tests', 'demo-keys', `${host}.ssh_host_ed25519_key.DEMO`);
      if (existsSync(demoKey)) expect(await identityToRecipient(sshPrivateKeyToAge(readFileSync(demoKey, 'utf8')))).toBe(recipient);
    }
    const admin = join(repoRoot, 'tests', 'demo-keys', 'admin.age-key.DEMO.txt');
    if (existsSync(admin)) {
      const identity = readFileSync(admin, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
      expect(byName.get('admin')).toBe(await identityToRecipient(identity));
    }
  });
});
