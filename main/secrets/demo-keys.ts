// The published demo keys a flake ships (this repository's layout, tests/demo-keys/): anyone can decrypt for them.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KeychainStatus } from '../../common/model/keys.ts';
import { parseIdentities, recipientOf } from '../keys/age-identities.ts';

const demoFolder = join('tests', 'demo-keys');
const demoKeyPattern = /\.age-key\.DEMO\.txt$/;

/** The flake's published demo data: the recipients anyone can decrypt for, and the demo admin key file. */
export async function demoKeys(flake: string): Promise<{ recipients: Set<string>; file?: string; identity?: string }> {
  const folder = join(flake, demoFolder);
  const recipients = new Set<string>();
  if (!existsSync(folder)) return { recipients };
  const listed = join(folder, 'recipients.json');
  if (existsSync(listed)) {
    try {
      for (const value of Object.values(JSON.parse(readFileSync(listed, 'utf8')) as Record<string, unknown>)) {
        if (typeof value === 'string') recipients.add(value);
      }
    } catch {
      // Not the layout this repository uses: the key file below still names the admin key.
    }
  }
  const name = readdirSync(folder).find((f) => demoKeyPattern.test(f));
  if (!name) return { recipients };
  const file = join(folder, name);
  const [identity] = parseIdentities(readFileSync(file, 'utf8'), file);
  if (identity) recipients.add(await recipientOf(identity));
  return { recipients, file, ...(identity && { identity }) };
}

/** The keychain's status, with each identity that is one of the flake's published demo keys marked as such. */
export async function markDemoIdentities(status: KeychainStatus, flake: string): Promise<KeychainStatus> {
  const { recipients } = await demoKeys(flake);
  return { ...status, identities: status.identities.map((k) => (recipients.has(k.publicKey) ? { ...k, demo: true } : k)) };
}
