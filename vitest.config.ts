// Vitest: unit tests beside their code and cross-process tests under tests/, in Node.

import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The renderer's state classes (*.svelte.ts) use runes: compiled as the renderer build compiles them.
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  test: {
    include: [
      'common/**/*.test.ts',
      'main/**/*.test.ts',
      'preload/**/*.test.ts',
      'renderer/**/*.test.ts',
      'tests/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    environment: 'node',
    // A safety net for a hung test, not a measure of speed: on a loaded 2-core machine a deploy test takes minutes.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
