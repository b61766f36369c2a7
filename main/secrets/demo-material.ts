// Where a flake still uses its published demo keys (tests/demo-keys/): the recipients of .sops.yaml, the hosts' keys,
// the login keys and the secret files encrypted to them. "Make this repository yours" applies only where there is one.

import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DemoMaterial } from '../../common/model/make-yours.ts';
import { hostRecipients } from '../keys/host-recipients.ts';
import { demoKeys } from './demo-keys.ts';
import { demoLoginKeys, findDemoLoginKeys } from './login-material.ts';
import { listSecretFiles } from './recipients-view.ts';
import { findSopsConfig } from './sops-config.ts';

export async function findDemoMaterial(flake: string): Promise<DemoMaterial> {
  const places: DemoMaterial['places'] = [];
  const { recipients } = await demoKeys(flake);
  const config = findSopsConfig(flake);
  if (recipients.size > 0 && config && existsSync(config)) {
    readFileSync(config, 'utf8')
      .split('\n')
      .forEach((text, index) => {
        if ([...recipients].some((r) => text.includes(r))) {
          places.push({ file: relative(flake, config), line: index + 1, what: 'a published demo age key' });
        }
      });
  }
  for (const host of await hostRecipients(flake)) {
    if (host.fromFile && recipients.has(host.fromFile)) {
      places.push({ file: join('hosts', host.host, 'ssh_host_ed25519_key.pub'), what: 'a published demo host key' });
    }
  }
  for (const found of findDemoLoginKeys(flake, demoLoginKeys(flake))) {
    for (const line of found.lines) places.push({ file: found.file, line, what: 'a published demo login key' });
  }
  for (const file of (await listSecretFiles(flake)).files) {
    if (file.recipients.some((r) => r.demo)) places.push({ file: file.file, what: 'encrypted to a published demo key' });
  }
  return { places };
}
