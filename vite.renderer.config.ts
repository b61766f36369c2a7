// Vite build of the Svelte renderer, served by the app:// protocol in the app and by the test harness.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export const rendererOutDir = resolve(import.meta.dirname, '.vite/renderer/main_window');

export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  build: { outDir: rendererOutDir, emptyOutDir: true },
  clearScreen: false,
});
