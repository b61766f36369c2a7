// Vite build of the Svelte renderer, served by the app:// protocol in the app and by the test harness.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicyMeta } from './main/shell/csp.ts';

const cspPlaceholder = '<!-- Content-Security-Policy -->';

/** The page's CSP as a meta tag, from the one policy the app also sends as a header (main/shell/csp.ts). */
function cspMeta(): Plugin {
  return {
    name: 'flakedeck-csp',
    transformIndexHtml(html) {
      if (!html.includes(cspPlaceholder)) throw new Error(`renderer/index.html lacks ${cspPlaceholder}`);
      return html.replace(
        cspPlaceholder,
        `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicyMeta}" />`,
      );
    },
  };
}

export const rendererOutDir = resolve(import.meta.dirname, '.vite/renderer/main_window');

export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }), cspMeta()],
  build: { outDir: rendererOutDir, emptyOutDir: true },
  clearScreen: false,
});
