// Typed errors that cross the process boundary: a code the UI can branch on and a message a person can act on.

export const errorCodes = [
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'INVALID_ARGUMENTS',
  'NIX_MISSING',
  'NOT_A_FLAKE',
  'NIX_EVAL_ERROR',
  'NIX_FAILED',
  'NOT_FOUND',
  'HISTORY_TOO_NEW',
  'HISTORY_UNUSABLE',
  'KEYCHAIN_UNAVAILABLE',
  'INVALID_KEY',
  'NO_IDENTITY',
  'MAC_MISMATCH',
  'INVALID_SOPS_FILE',
  'SOPS_CONFIG',
  'FILE_CHANGED',
  'READ_ONLY',
  'BUSY',
  'UNKNOWN_HOST',
  'DEPLOY_SETTINGS',
  'SSH_FAILED',
  'PERSIST_UNSUPPORTED',
  'PRIVILEGE',
  'HOST_MISMATCH',
  'REBOOT_FAILED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Where a problem is in the user's files, e.g. the line of a nix evaluation error. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/** The serialisable form of an error, as it travels over IPC or the test transport. */
export interface ApiErrorData {
  code: ErrorCode;
  message: string;
  /** What the user can do about it, when there is something. */
  hint?: string;
  location?: SourceLocation;
  /** Raw tool output (nix stderr, say), shown folded under the message. */
  detail?: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly detail?: string;

  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    this.hint = data.hint;
    this.location = data.location;
    this.detail = data.detail;
  }

  toData(): ApiErrorData {
    const { code, message, hint, location, detail } = this;
    return { code, message, ...(hint && { hint }), ...(location && { location }), ...(detail && { detail }) };
  }

  static fromData(data: ApiErrorData): ApiError {
    return new ApiError(data);
  }
}

/** Every call resolves to an envelope: thrown errors lose their fields when Electron clones them. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };
