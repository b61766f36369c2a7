// Serves the built renderer from app://flakedeck/, with the CSP as a header, instead of file:// pages.

import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { appHost, appUrlFile } from './app-files.ts';
import { contentSecurityPolicy } from './csp.ts';

export const appScheme = 'app';
export const appOrigin = `${appScheme}://${appHost}`;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    // A path that climbs out of the renderer folder is refused, whatever its encoding.
    const file = appUrlFile(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy);
    return new Response(response.body, { status: response.status, headers });
  });
}
