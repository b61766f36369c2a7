// Vite build of the Electron main process; Forge merges its own base config (outDir, externals) into this.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// Native modules load from node_modules at run time; bundling them would break their .node binaries.
export const nativeModules = ['better-sqlite3', 'keytar', 'node-pty'];

/** The app's entry, and the modules it starts apart (found beside the caller, see main/child-module.ts). */
export const mainEntries = {
  main: 'main/index.ts',
  'keychain-worker': 'main/keys/keychain-worker.ts',
  'sops-worker': 'main/secrets/sops-worker.ts',
};

export default defineConfig({
  // The bundle is CommonJS, where the module's folder is __dirname.
  define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    // Modules that run in a process or thread of their own are entries of their own, beside main.cjs.
    lib: { entry: mainEntries, fileName: (_format, name) => `${name}.cjs`, formats: ['cjs'] },
    rollupOptions: {
      external: ['electron', ...nativeModules, ...builtinModules.flatMap((m) => [m, `node:${m}`])],
    },
  },
  resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
});
