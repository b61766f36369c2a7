// Rewriting .sops.yaml's recipients without touching anything else in the file.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recipientAnchors, replaceRecipients } from './sops-config-edit.ts';
import { parseSopsConfig } from './sops-config.ts';
import { repoRoot } from '../../tests/support/fixture-flake.ts';

const repositoryConfig = readFileSync(join(repoRoot, '.sops.yaml'), 'utf8');
const admin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';
const vps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';
const mine = 'age1lgt8q5x7a7z2xkxq5u2s9fk7ywnvmeemwldr6sn0zqpyhn7x2fsqh5a0ex';
const newVps = 'age1c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0s3l2vz';

describe("rewriting .sops.yaml's recipients", () => {
  it("reads the repository's anchors with their recipients", () => {
    expect(recipientAnchors(repositoryConfig).map((a) => a.anchor)).toEqual([
      'admin',
      'desktop',
      'laptop',
      'vps',
      'homelab',
    ]);
    expect(recipientAnchors(repositoryConfig)[0]).toEqual({ anchor: 'admin', recipients: [admin] });
  });

  it('changes only the recipients: comments, rules and aliases stay byte for byte', () => {
    const { text, changed } = replaceRecipients(
      repositoryConfig,
      new Map([
        [admin, mine],
        [vps, newVps],
      ]),
    );
    expect(text).toBe(repositoryConfig.replace(admin, mine).replace(vps, newVps));
    expect(changed).toEqual([
      { line: 9, before: `  - &admin ${admin}`, after: `  - &admin ${mine}` },
      { line: 12, before: `  - &vps ${vps}`, after: `  - &vps ${newVps}` },
    ]);
    const config = parseSopsConfig(text, '/flake/.sops.yaml');
    expect(config.rules.find((r) => r.pathRegex === 'secrets/vps\\.yaml$')?.plan.groups).toEqual([[mine, newVps]]);
    expect(config.names.get(mine)).toBe('admin');
  });

  it('replaces recipients written out in rules, quoted or in a list, and leaves a comment quoting one alone', () => {
    const text = [
      `# old admin was ${admin}`,
      'creation_rules:',
      `  - path_regex: a\\.yaml$`,
      `    age: "${admin}, ${vps}" # two keys`,
      `  - path_regex: b\\.yaml$`,
      '    key_groups:',
      `      - age: ['${vps}']`,
      '',
    ].join('\n');
    const { text: out, changed } = replaceRecipients(text, new Map([[admin, mine]]));
    expect(out.split('\n')[0]).toBe(`# old admin was ${admin}`);
    expect(out.split('\n')[3]).toBe(`    age: "${mine}, ${vps}" # two keys`);
    expect(changed.map((c) => c.line)).toEqual([4]);
    expect(parseSopsConfig(out, '/f/.sops.yaml').rules[0]!.plan.groups).toEqual([[mine, vps]]);
  });

  it('refuses a file that is not YAML', () => {
    expect(() => replaceRecipients('a: [', new Map())).toThrow(/not valid YAML/);
  });
});
