// Lint rules, including the process boundaries: who may import electron, node and each native module.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'url', 'util'];

/** Native modules and the one service folder each may be imported from. */
const nativeHomes = { keytar: 'main/keys', 'node-pty': 'main/terminal', 'better-sqlite3': 'main/history' };

function restrict(files, patterns, message) {
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
  };
}

function nativeRule(files, modules) {
  const paths = modules.map((name) => ({
    name,
    message: `${name} is imported only inside ${nativeHomes[name]}/.`,
  }));
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths }] } };
}

export default tseslint.config(
  { ignores: ['node_modules/', '.vite/', 'out/', 'test-results/', 'playwright-report/', 'tests/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: tseslint.parser, svelteConfig },
    },
  },
  { files: ['renderer/**', 'tests/harness/browser/**'], languageOptions: { globals: { ...globals.browser } } },

  // common/: the contract and domain types, imported by every process, so nothing platform-specific.
  restrict(
    ['common/**'],
    [
      'electron',
      'electron/*',
      ...nodeBuiltins,
      ...Object.keys(nativeHomes),
      '**/main/**',
      '**/renderer/**',
      '**/preload/**',
    ],
    'common/ is shared by main, preload and renderer: no electron, node, native or process-specific imports.',
  ),
  // renderer/: the web page; it knows the API types from common/ and nothing else of the app.
  restrict(
    ['renderer/**'],
    ['electron', 'electron/*', ...nodeBuiltins, ...Object.keys(nativeHomes), '**/main/**', '**/preload/**'],
    'renderer/ runs in a sandboxed page: import only common/ and its own files.',
  ),
  // preload/: generated from the channel table; electron and common/ only.
  restrict(
    ['preload/**'],
    [...nodeBuiltins, ...Object.keys(nativeHomes), '**/main/**', '**/renderer/**'],
    'preload/ builds window.flakedeck from common/ only.',
  ),
  // main/: services are plain Node so they run under tests; only the Electron glue imports electron.
  {
    ...restrict(
      ['main/**'],
      ['electron', 'electron/*', '**/renderer/**', '**/preload/**'],
      'Only main/shell/ and main/index.ts may import electron; main never imports renderer or preload code.',
    ),
    ignores: ['main/shell/**', 'main/index.ts'],
  },
  // Each native module is imported only inside its own service folder, so it is replaced at one seam.
  // (A separate rule from the boundaries above: flat config keeps only the last setting of one rule.)
  nativeRule(['**/*.ts', '**/*.svelte'], Object.keys(nativeHomes)),
  ...Object.entries(nativeHomes).map(([module, home]) =>
    nativeRule(
      [`${home}/**`],
      Object.keys(nativeHomes).filter((other) => other !== module),
    ),
  ),
);
