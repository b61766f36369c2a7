// The file's 32-byte data key: recovered from its key groups with the user's identities, or wrapped for new ones.

import { randomBytes } from 'node:crypto';
import type { AgeKey, KeyGroup, SopsMetadata } from './metadata.ts';
import { ageRecipients } from './metadata.ts';
import { unwrapWithIdentities, wrapForRecipient } from './age-wrap.ts';
import { combineShares, splitSecret } from './shamir.ts';
import { invalidFile, noIdentity } from './sops-errors.ts';
import { ApiError } from '../../common/api/errors.ts';

export function newDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

async function unwrapGroup(group: KeyGroup, identities: readonly string[]): Promise<Uint8Array | undefined> {
  for (const key of group.age) {
    const secret = await unwrapWithIdentities(key.enc, identities);
    if (secret) return secret;
  }
  return undefined;
}

export async function recoverDataKey(metadata: SopsMetadata, identities: readonly string[], file?: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const group of metadata.keyGroups) {
    const part = await unwrapGroup(group, identities);
    if (part) parts.push(part);
  }
  const recipients = ageRecipients(metadata).map((r) => r.recipient);
  if (metadata.keyGroups.length === 1) {
    const [key] = parts;
    if (!key) throw noIdentity(file, recipients);
    if (key.length !== 32) throw invalidFile(`The data key of ${file ?? 'this file'} is ${key.length} bytes long, not 32.`);
    return key;
  }
  const threshold = metadata.shamirThreshold || metadata.keyGroups.length;
  if (parts.length < threshold) {
    const message = `Your age keys open ${parts.length} of the ${threshold} key groups needed to decrypt ${file ?? 'this file'}.`;
    throw noIdentity(file, recipients, message);
  }
  const key = combineShares(parts.slice(0, threshold));
  if (key.length !== 32) throw invalidFile(`The data key of ${file ?? 'this file'} is ${key.length} bytes long, not 32.`);
  return key;
}

/** age recipients per key group; with several groups each gets one Shamir share. */
export async function wrapDataKey(dataKey: Uint8Array, groups: readonly (readonly string[])[], threshold: number): Promise<KeyGroup[]> {
  const needed = Math.min(threshold || groups.length, groups.length);
  if (groups.length > 1 && needed < 2) {
    throw new ApiError({
      code: 'SOPS_CONFIG',
      message: `A shamir_threshold of ${needed} cannot split the key between ${groups.length} key groups: any one share would be the key.`,
      hint: 'Use a threshold of at least 2, or put all recipients in one key group.',
    });
  }
  const secrets = groups.length === 1 ? [dataKey] : splitSecret(dataKey, groups.length, needed);
  return Promise.all(
    groups.map(async (recipients, i) => ({
      age: await Promise.all(recipients.map(async (recipient): Promise<AgeKey> => ({ recipient, enc: await wrapForRecipient(secrets[i]!, recipient) }))),
      others: [],
    })),
  );
}
