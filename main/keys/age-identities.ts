// age identity strings: reading key files and SOPS_AGE_KEY, and checking each identity is one age can use.

import { identityToRecipient } from 'age-encryption';
import { ApiError } from '../../common/api/errors.ts';

const identityPattern = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/;

function invalidKey(message: string, hint: string): ApiError {
  return new ApiError({ code: 'INVALID_KEY', message, hint });
}

/** The identities in an age key file or SOPS_AGE_KEY: one per line (or whitespace-separated), `#` comments skipped. */
export function parseIdentities(text: string, source: string): string[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('age-encryption.org') || trimmed.startsWith('-----BEGIN AGE')) {
    throw invalidKey(
      `${source} is a passphrase-encrypted age key file.`,
      'Decrypt it first with `age -d`, import that, then delete the decrypted copy.',
    );
  }
  const identities: string[] = [];
  for (const line of text.split('\n')) {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    for (const word of entry.split(/\s+/)) {
      if (word.startsWith('AGE-PLUGIN-')) {
        throw invalidKey(
          `${source} holds an age plugin identity, which Flakedeck cannot use.`,
          'Use a plain X25519 age key.',
        );
      }
      if (!identityPattern.test(word)) {
        throw invalidKey(
          `${source} holds a line that is not an age identity.`,
          'An age key file has lines starting with AGE-SECRET-KEY-1.',
        );
      }
      identities.push(word);
    }
  }
  return identities;
}

/** The recipient of an identity; throws a readable error when the identity is damaged. */
export async function recipientOf(identity: string): Promise<string> {
  try {
    return await identityToRecipient(identity);
  } catch (error) {
    throw invalidKey(
      `An age identity is damaged: ${(error as Error).message}.`,
      'Check that the key was copied whole.',
    );
  }
}
