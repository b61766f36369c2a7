// Starts the real services behind the test transport and serves the built renderer to Chromium.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { build } from 'vite';
import { createHandlers } from '../../main/api/handlers/index.ts';
import { Router } from '../../main/api/router.ts';
import { originCheck } from '../../main/api/sender-check.ts';
import { createServices } from '../../main/services.ts';
import { sshControlParent } from '../../main/targets/settings.ts';
import { rendererFile } from '../../main/shell/app-files.ts';
import type { ServiceConfig, Services } from '../../main/services.ts';
import { attachPageTransport, eventsPath, requestUrl, transportPath } from './page-transport.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const rendererDir = join(repoRoot, '.vite', 'renderer', 'main_window');

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface Harness {
  /** The page to open in the browser. */
  url: string;
  /** The script that gives the page window.flakedeck; add it with page.addInitScript before navigating. */
  initScript: string;
  services: Services;
  /** Links the app asked to open in the browser, in order (the recorder stands in for shell.openExternal). */
  openedUrls: string[];
  /** Files the app asked to open with the default application (no editor is set for the harness unless given). */
  openedFiles: string[];
  close(): Promise<void>;
}

/** Shells in tests start without rc files, so their prompt and behaviour do not depend on the machine. */
const testShell = { file: 'bash', args: ['--norc', '--noprofile'] };

let bridgeBundle: Promise<string> | undefined;

/** The browser half of the transport, bundled once per process. */
function bundleBridge(): Promise<string> {
  bridgeBundle ??= build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: {
        entry: join(import.meta.dirname, 'browser', 'page-bridge.ts'),
        formats: ['iife'],
        name: 'flakedeckTestBridge',
      },
    },
  }).then((output) => {
    const result = Array.isArray(output) ? output[0] : output;
    if (!result || !('output' in result)) throw new Error('bundling the test bridge gave no output');
    return result.output[0].code;
  });
  return bridgeBundle;
}

export async function startHarness(options: Partial<ServiceConfig> & { flake?: string } = {}): Promise<Harness> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer in ${rendererDir}: run \`npm run build:renderer\` first.`);
  }
  const ownDataDir = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'flakedeck-harness-'));
  const openedUrls: string[] = [];
  const openedFiles: string[] = [];
  const services = createServices({
    dataDir: options.dataDir ?? ownDataDir!,
    defaultFlake: options.flake ?? options.defaultFlake ?? repoRoot,
    appVersion: '0.0.0-test',
    ...(options.nix && { nix: options.nix }),
    ...(options.rebootCheck && { rebootCheck: options.rebootCheck }),
    // Shared ssh connections, as the app has them.
    deploy: { sshControlDir: sshControlParent(), ...options.deploy },
    ...(options.fleet && { fleet: options.fleet }),
    ...(options.keychain && { keychain: options.keychain }),
    terminal: options.terminal ?? { shell: testShell },
    openExternal: async (url) => void openedUrls.push(url),
    watchFlakes: true,
    openFile: async (file) => void openedFiles.push(file),
    ...(options.chooseFolder && { chooseFolder: options.chooseFolder }),
    editorEnv: options.editorEnv ?? {},
  });

  const server = createServer((request, response) => {
    // Requests come once the page has the address, after the transport below is attached.
    if (transport.handle(request, response)) return;
    // The same check as the app's own protocol: nothing outside the built renderer, however it is encoded.
    const file = rendererFile(rendererDir, requestUrl(request)?.pathname ?? '/');
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': mimeTypes[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const token = randomBytes(24).toString('base64url');

  const router = new Router(createHandlers(services), { isTrustedSender: originCheck([origin]) });
  const transport = attachPageTransport(server, router, services.events, token);
  const config = JSON.stringify({
    socketUrl: `ws://127.0.0.1:${port}${transportPath}`,
    eventsUrl: `${origin}${eventsPath}`,
    token,
  });

  return {
    url: `${origin}/`,
    initScript: `window.__flakedeckTestTransport = ${config};\n${await bundleBridge()}`,
    services,
    openedUrls,
    openedFiles,
    async close() {
      transport.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      services.close('the test harness stopped');
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}
