// "New secrets file": the creation rule of .sops.yaml picked by the path (RE2, as sops), who reads the file, the
// refusals with their reasons, and the file created encrypted with its first value.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decryptFile } from './file-operations.ts';
import { decryptedBytes } from './sops-file.ts';
import { createSecretFile, previewNewSecretFile } from './new-secret-file.ts';
import { demoAdminIdentity, makeSecretsFlake } from '../../tests/support/secrets-flake.ts';
import type { SecretsFlake } from '../../tests/support/secrets-flake.ts';

const admin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';
const vps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';

let flake: SecretsFlake;
beforeAll(() => {
  flake = makeSecretsFlake();
  // The repository's rules, and one for the services of the vps: `\d` and the anchors are RE2, as sops reads them.
  const config = readFileSync(join(flake.path, '.sops.yaml'), 'utf8');
  writeFileSync(
    join(flake.path, '.sops.yaml'),
    config.replace(
      'creation_rules:\n',
      `creation_rules:\n  - path_regex: ^secrets/services/[a-z]+\\d*\\.(yaml|json|env)$\n    key_groups:\n      - age:\n          - *admin\n          - *vps\n`,
    ),
  );
});
afterAll(() => flake.remove());

describe('a new secrets file', () => {
  it('gets the first creation rule that matches its path, and says who will read it', async () => {
    const preview = await previewNewSecretFile(flake.path, 'secrets/services/web2.yaml');
    expect(preview).toEqual({
      file: 'secrets/services/web2.yaml',
      format: 'yaml',
      rule: { index: 1, pathRegex: '^secrets/services/[a-z]+\\d*\\.(yaml|json|env)$' },
      recipients: [
        { recipient: admin, group: 0, name: 'admin' },
        { recipient: vps, group: 0, name: 'vps' },
      ],
    });
    // The rules are tried in order: the vps's own rule matches its file only.
    expect((await previewNewSecretFile(flake.path, 'secrets/desktop.yaml')).rule).toEqual({
      index: 3,
      pathRegex: 'secrets/desktop\\.yaml$',
    });
  });

  it('refuses a path no rule matches, with the rules it tried, and paths it cannot create', async () => {
    await expect(previewNewSecretFile(flake.path, 'secrets/web.yaml')).rejects.toMatchObject({
      code: 'SOPS_CONFIG',
      message: 'No creation rule of .sops.yaml can encrypt secrets/web.yaml: no creation rule matches secrets/web.yaml.',
      hint: expect.stringContaining('^secrets/services/[a-z]+\\d*\\.(yaml|json|env)$, secrets/common\\.yaml$'),
    });
    await expect(previewNewSecretFile(flake.path, 'hosts/web.yaml')).rejects.toMatchObject({
      message: 'hosts/web.yaml is not inside secrets/.',
    });
    await expect(previewNewSecretFile(flake.path, '../elsewhere/secrets/web.yaml')).rejects.toMatchObject({
      message: expect.stringMatching(/is not inside secrets\/\.$/),
    });
    await flake.writeSecret('vps.yaml', 'a: b\n');
    await expect(previewNewSecretFile(flake.path, 'secrets/vps.yaml')).rejects.toMatchObject({
      message: 'secrets/vps.yaml exists already.',
    });
    await expect(previewNewSecretFile(flake.path, 'secrets/services/web.ini')).rejects.toMatchObject({
      message: 'secrets/services/web.ini would be a ini file; a new file here is YAML, JSON or dotenv.',
    });
  });

  it('creates the file encrypted to its rule, with its first value, in a new folder if need be', async () => {
    const file = await createSecretFile(flake.path, 'secrets/services/api.env', 'API_TOKEN', 'first value');
    expect(file).toBe('secrets/services/api.env');
    const path = join(flake.path, file);
    expect(readFileSync(path, 'utf8')).not.toContain('first value');
    const opened = await decryptFile(path, { identities: [demoAdminIdentity()] });
    expect(new TextDecoder().decode(decryptedBytes(opened))).toBe('API_TOKEN=first value\n');
    expect(opened.metadata.keyGroups[0]!.age.map((k) => k.recipient)).toEqual([admin, vps]);
    await expect(createSecretFile(flake.path, 'secrets/services/api.env', 'B', 'c')).rejects.toMatchObject({
      message: 'secrets/services/api.env exists already.',
    });
    await expect(createSecretFile(flake.path, 'secrets/other.yaml', 'k', 'v')).rejects.toMatchObject({ code: 'SOPS_CONFIG' });
    await expect(createSecretFile(flake.path, 'secrets/services/db.env', 'A=B', 'v')).rejects.toMatchObject({
      message: '"A=B" cannot be a dotenv key: it may not hold "=" or a line break, nor start with "#".',
    });
    await expect(createSecretFile(flake.path, 'secrets/services/db.yaml', 'sops', 'v')).rejects.toMatchObject({
      message: '"sops" is where sops keeps its own metadata.',
    });
    expect(existsSync(join(flake.path, 'secrets/other.yaml'))).toBe(false);
  });
});
