// Who may call the API: the page of the app's own origin, as the transport names the calling frame. Pure functions,
// so the check the Electron glue applies is tested under Node.

/** Who is calling, as the transport saw it: the URL of the calling frame or page. */
export interface Sender {
  url: string;
}

export type SenderCheck = (sender: Sender) => boolean;

/** A sender check that accepts pages from the given origins only (scheme, host and port must all match). */
export function originCheck(allowedOrigins: readonly string[]): SenderCheck {
  const allowed = new Set(allowedOrigins);
  return ({ url }) => {
    try {
      const parsed = new URL(url);
      // Custom schemes (app://) have an opaque origin "null"; compare scheme and host instead.
      const origin = parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
      return allowed.has(origin);
    } catch {
      return false;
    }
  };
}

/**
 * The sender of an Electron IPC call: the frame that called, not its window (an iframe shows its own URL here);
 * a frame already gone has none, and is refused.
 */
export function ipcSender(event: { senderFrame?: { url: string } | null }): Sender {
  return { url: event.senderFrame?.url ?? '' };
}
