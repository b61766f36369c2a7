// Vite build of the Electron main process; Forge merges its own base config (outDir, externals) into this.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// Native modules load from node_modules at run time; bundling them would break their .node binaries.
export const nativeModules = ['better-sqlite3', 'keytar', 'node-pty'];

export default defineConfig({
  // The bundle is CommonJS, where the module's folder is __dirname.
  define: { 'import.meta.dirname': '__dirname' },
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    lib: { entry: 'main/index.ts', fileName: () => 'main.cjs', formats: ['cjs'] },
    rollupOptions: {
      external: ['electron', ...nativeModules, ...builtinModules.flatMap((m) => [m, `node:${m}`])],
    },
  },
  resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
});
