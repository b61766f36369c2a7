// The errors a SOPS file can raise, each with a message that says what is wrong and what to do.

import { ApiError } from '../../common/api/errors.ts';

/** The file is not a well-formed SOPS file (or not a well-formed plaintext input). */
export function invalidFile(message: string, hint?: string): ApiError {
  return new ApiError({
    code: 'INVALID_SOPS_FILE',
    message,
    hint: hint ?? 'Check that the file was written by sops or Flakedeck and was not edited by hand.',
  });
}

export function macMismatch(file: string | undefined, detail: string): ApiError {
  return new ApiError({
    code: 'MAC_MISMATCH',
    message: `${file ?? 'The file'} failed its integrity check (MAC mismatch): it was changed outside sops, or damaged.`,
    hint: 'Restore it from version control. If you trust its contents, it can be opened read-only to inspect them.',
    detail,
  });
}

export function noIdentity(file: string | undefined, recipients: readonly string[], message?: string): ApiError {
  return new ApiError({
    code: 'NO_IDENTITY',
    message: message ?? `None of your age keys can decrypt ${file ?? 'this file'}.`,
    hint:
      recipients.length > 0
        ? `The file is encrypted for: ${recipients.join(', ')}. Import the matching key, or ask someone who can read it to run updatekeys.`
        : 'The file has no age recipients; Flakedeck decrypts only age-encrypted files.',
  });
}
