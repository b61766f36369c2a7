// Wraps a data key (or a Shamir share) for one age recipient as sops does: one armored age file each (SPEC §6).

import { Decrypter, Encrypter, armor } from 'age-encryption';
import { ApiError } from '../../common/api/errors.ts';

/** Whether Flakedeck can encrypt to this recipient: X25519 (`age1…`) and hybrid post-quantum (`age1pq1…`). */
export function isSupportedRecipient(recipient: string): boolean {
  return /^age1pq1[0-9a-z]+$/.test(recipient) || /^age1[0-9a-z]{58}$/.test(recipient);
}

export async function wrapForRecipient(secret: Uint8Array, recipient: string): Promise<string> {
  if (!isSupportedRecipient(recipient)) {
    throw new ApiError({
      code: 'SOPS_CONFIG',
      message: `Flakedeck cannot encrypt to "${recipient}": only age X25519 (age1…) and post-quantum (age1pq1…) recipients are supported.`,
      hint: 'Convert SSH host keys with ssh-to-age (Flakedeck shows each host\'s age recipient) and use that in .sops.yaml.',
    });
  }
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(secret));
}

const maxStanzas = 16;

/** The number of `-> ` stanza lines in an age file's header (which ends at its `---` line). */
function stanzaCount(file: Uint8Array): number {
  const headerEnd = Buffer.from(file).indexOf('\n---');
  const header = Buffer.from(file.subarray(0, headerEnd === -1 ? file.length : headerEnd)).toString('latin1');
  return header.split('\n-> ').length - 1;
}

/**
 * Decrypts one armored `enc` with any of the identities; undefined when none of them is a recipient.
 * Throws only when the `enc` itself is damaged.
 */
export async function unwrapWithIdentities(enc: string, identities: readonly string[]): Promise<Uint8Array | undefined> {
  if (identities.length === 0) return undefined;
  let file: Uint8Array;
  try {
    file = armor.decode(enc);
  } catch (error) {
    throw new ApiError({
      code: 'INVALID_SOPS_FILE',
      message: `An age-encrypted data key in the sops metadata is damaged: ${(error as Error).message}.`,
      hint: 'Restore the file from version control.',
    });
  }
  // sops wraps each data key for one recipient: more stanzas than a few only multiply the work of every identity.
  if (stanzaCount(file) > maxStanzas) {
    throw new ApiError({
      code: 'INVALID_SOPS_FILE',
      message: `An age-encrypted data key in the sops metadata has more than ${maxStanzas} recipient stanzas; sops writes one.`,
      hint: 'Restore the file from version control.',
    });
  }
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  try {
    return await decrypter.decrypt(file);
  } catch (error) {
    if (/no identity matched/i.test((error as Error).message)) return undefined;
    throw new ApiError({
      code: 'INVALID_SOPS_FILE',
      message: `An age-encrypted data key in the sops metadata could not be decrypted: ${(error as Error).message}.`,
      hint: 'Restore the file from version control.',
    });
  }
}
