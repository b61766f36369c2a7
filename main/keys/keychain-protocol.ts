// The messages between the app and its keychain worker process.

export type KeychainRequest = { id: number; service: string; retry?: boolean } & (
  | { op: 'list' }
  | { op: 'get'; account: string }
  | { op: 'set'; account: string; secret: string }
  | { op: 'delete'; account: string }
);

export type KeychainReply = { id: number } & (
  { ok: true; value: unknown } | { ok: false; message: string; locked: boolean }
);
