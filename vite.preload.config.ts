// Vite build of the preload script: one CommonJS file, as a sandboxed preload cannot load modules.
import { defineConfig } from 'vite';
import { channelNames } from './common/api/contract.ts';

export default defineConfig({
  // The channel names from the contract, as a constant: the preload imports no schema.
  define: { FLAKEDECK_CHANNELS: JSON.stringify(channelNames) },
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
