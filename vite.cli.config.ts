// Vite build of the `flakedeck` command line: ES modules for Node, one chunk per command, loaded as it runs.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import { mainEntries, nativeModules } from './vite.main.config.ts';

// The command line, and the modules the app starts in processes or threads of their own (the keychain and sops
// workers), beside it.
const { main: _app, ...childModules } = mainEntries;

export default defineConfig({
  build: {
    // Two folders below the package root, as main/cli/ is: the bundle finds package.json and nix/ there.
    outDir: '.vite/cli',
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    lib: { entry: { cli: 'main/cli.ts', ...childModules }, fileName: (_format, name) => `${name}.js`, formats: ['es'] },
    rolldownOptions: {
      // Bundled CommonJS (yaml) calls require(); on Node the bundle gets one from createRequire.
      platform: 'node',
      // Native modules load their .node binaries from node_modules; everything else is bundled.
      external: [...nativeModules, ...builtinModules.flatMap((m) => [m, `node:${m}`])],
      output: { chunkFileNames: '[name]-[hash].js' },
    },
  },
  resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
});
