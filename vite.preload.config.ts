// Vite build of the preload script: one CommonJS file, as a sandboxed preload cannot load modules.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    rollupOptions: {
      input: 'preload/index.ts',
      external: ['electron', 'electron/renderer'],
      output: { format: 'cjs', codeSplitting: false, entryFileNames: 'preload.cjs' },
    },
  },
});
