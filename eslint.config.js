// Lint rules, including the process boundaries: who may import electron, node and each native module.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'url', 'util'];

/** Native modules and the one service folder each may be imported from. */
const nativeHomes = { keytar: 'main/keys', 'node-pty': 'main/terminal', 'better-sqlite3': 'main/history' };

/** What a part may be kept from importing, as import patterns (gitignore-style groups, or regexes of the specifier). */
const imports = {
  electron: { group: ['electron', 'electron/*'] },
  node: { group: nodeBuiltins },
  native: { group: Object.keys(nativeHomes) },
  main: { group: ['**/main/**'] },
  renderer: { group: ['**/renderer/**'] },
  preload: { group: ['**/preload/**'] },
  // Folders of main/, named from inside main/ ("../shell/x.ts", "./api/router.ts") or from beside it.
  shell: { regex: String.raw`^(\./|(\.\./)+)(main/)?shell/` },
  api: { regex: String.raw`^(\./|(\.\./)+)(main/)?api/` },
  cli: { regex: String.raw`^(\./|(\.\./)+)(main/)?cli(/|\.ts$)` },
  // The API contract with its zod schemas: the preload needs the channel names only.
  schemas: { group: ['zod', '**/common/api/contract.ts', '**/common/api/namespaces/**', '**/common/api/define.ts'] },
};

/**
 * The parts of the app and what each must not import: the one list every boundary rule is generated from. A file
 * belongs to the first part whose files match it; tests may drive any part, so *.test.ts files are not held to it.
 */
const parts = [
  {
    files: ['common/**'],
    forbid: ['electron', 'node', 'native', 'main', 'renderer', 'preload'],
    why: 'common/ is shared by main, preload and renderer: no electron, node, native or process-specific imports.',
  },
  {
    files: ['renderer/**'],
    forbid: ['electron', 'node', 'native', 'main', 'preload'],
    why: 'renderer/ runs in a sandboxed page: import only common/ and its own files.',
  },
  {
    files: ['preload/**'],
    forbid: ['node', 'native', 'main', 'renderer', 'schemas'],
    why: 'preload/ builds window.flakedeck from the channel list (common/api/channels.ts) only.',
  },
  {
    files: ['main/shell/**', 'main/index.ts'],
    forbid: ['renderer', 'preload'],
    why: 'The Electron glue loads the renderer and preload as files, never as modules.',
  },
  {
    files: ['main/cli.ts', 'main/cli/**', 'bin/**'],
    forbid: ['electron', 'shell', 'renderer', 'preload'],
    why: 'The CLI runs under plain Node: no electron, no Electron glue.',
  },
  {
    files: ['main/api/**'],
    forbid: ['electron', 'shell', 'cli', 'renderer', 'preload'],
    why: 'main/api/ (router, handlers) sits on the services, under any transport: no electron, no Electron glue, no CLI.',
  },
  {
    files: ['main/**'],
    forbid: ['electron', 'shell', 'api', 'cli', 'renderer', 'preload'],
    why: 'Services are plain Node, so they run under tests and the CLI: no electron, no Electron glue (main/shell), no API layer above them (main/api), no CLI.',
  },
];

function layerRules() {
  return parts.map((part, i) => ({
    files: part.files,
    ignores: ['**/*.test.ts', ...parts.slice(0, i).flatMap((earlier) => earlier.files)],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: part.forbid.map((name) => ({ ...imports[name], message: part.why })) },
      ],
    },
  }));
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

  // Who may import whom, from the list of parts above.
  ...layerRules(),
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
