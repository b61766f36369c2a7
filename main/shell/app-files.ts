// Which file of the built renderer a request for app://flakedeck/… names, or none: a pure check, tested under Node,
// shared by the Electron protocol handler and the test harness's file server.

import { join, normalize, sep } from 'node:path';

/** The app's own host under its scheme: app://flakedeck/. */
export const appHost = 'flakedeck';

/**
 * The file under `rendererDir` that `pathname` (still %-encoded, as in a URL) names, or null when it names nothing
 * there: a path that climbs out however it is encoded, a broken %-escape, a NUL byte.
 */
export function rendererFile(rendererDir: string, pathname: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const root = normalize(rendererDir);
  const file = normalize(join(root, path === '/' || path === '' ? 'index.html' : path));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

/** The file an app:// URL names, or null: another host, or a path rendererFile refuses. */
export function appUrlFile(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host !== appHost) return null;
  return rendererFile(rendererDir, parsed.pathname);
}
