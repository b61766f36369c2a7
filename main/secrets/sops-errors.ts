// The errors a SOPS file can raise, each with a message that says what is wrong and what to do.

import { ApiError } from '../../common/api/errors.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';

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

/** Values that no longer decrypt with the file's data key: changed outside sops, or damaged. */
export function damagedValue(file: string | undefined, damaged: readonly { key: string; line?: number }[]): ApiError {
  const [first] = damaged;
  const where = (d: { key: string; line?: number }) => `${d.key}${d.line ? ` (line ${d.line})` : ''}`;
  const others = damaged.length > 1 ? `, and ${damaged.length - 1} more (${damaged.slice(1).map(where).join(', ')})` : '';
  return new ApiError({
    code: 'MAC_MISMATCH',
    message: `The value of ${first!.key} in ${file ?? 'the file'} was changed outside sops, or damaged: it no longer decrypts with the file's key${others}.`,
    hint: `Restore the file from version control${file ? ` (git checkout -- ${file})` : ''}. The other values can still be read: open the file read-only.`,
    ...(file && first!.line && { location: { file, line: first!.line } }),
  });
}

/** The field sops writes last in every file's metadata, as each format spells it. */
const closingField: Record<SecretFormat, RegExp> = {
  yaml: /^\s+version:/m,
  json: /"version":/,
  binary: /"version":/,
  dotenv: /^sops_version=/m,
  ini: /^version\s*=/m,
};

/** Where a file that failed to open was cut off, when it was: a sops file (by its encrypted values) without the end
 * sops always writes. `rest` is the file without its last line when that line is cut in the middle. */
export function whereItEnds(
  error: unknown,
  bytes: Uint8Array,
  format: SecretFormat,
): { line: number; inMetadata: boolean; rest?: Uint8Array } | undefined {
  if (!(error instanceof ApiError) || !['INVALID_SOPS_FILE', 'MAC_MISMATCH'].includes(error.code)) return undefined;
  const text = new TextDecoder().decode(bytes);
  if (!text.includes('ENC[AES256_GCM,')) return undefined;
  const missing = !closingField[format].test(text);
  const partialLine = !text.endsWith('\n');
  if (!missing && !partialLine) return undefined;
  const line = text.replace(/\n+$/, '').split('\n').length;
  const inMetadata = /^sops:|"sops":|^sops_|^\[sops\]/m.test(text);
  return {
    line,
    inMetadata,
    ...(partialLine && { rest: new TextEncoder().encode(text.slice(0, text.lastIndexOf('\n') + 1)) }),
  };
}

/** A cut-off file in the user's words: where it ends, and whether what is left can be read (read-only). */
export function endsEarly(
  file: string | undefined,
  cut: { line: number; inMetadata: boolean },
  readable: boolean,
  cause: ApiError,
): ApiError {
  const name = file ?? 'The file';
  const location = file ? { location: { file, line: cut.line } } : {};
  const restore = `Restore it from version control${file ? ` (git checkout -- ${file})` : ''}.`;
  if (readable) {
    return new ApiError({
      code: 'MAC_MISMATCH',
      message: `${name} ends early, at line ${cut.line}: the end of its sops section, with its integrity check, is missing.`,
      hint: `${restore} Its values still decrypt: open it read-only to read what is left.`,
      ...location,
    });
  }
  const part = cut.inMetadata
    ? 'inside its sops section, which holds the keys that decrypt it'
    : 'before its sops section, which holds the keys that decrypt it';
  return new ApiError({
    code: 'INVALID_SOPS_FILE',
    message: `${name} ends early, at line ${cut.line}: it is cut off ${part}, so nothing in it can be read.`,
    hint: restore,
    ...location,
    detail: cause.message,
  });
}
