// Electron Forge: the Vite builds of main, preload and renderer, the makers, and the Electron fuses.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerDMG } from '@electron-forge/maker-dmg';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { nativeModules } from './vite.main.config.ts';

/**
 * Files the bundles read at run time beside them. The Vite plugin packages only its own output, so the native
 * modules (external to the bundle, rebuilt for Electron by Forge), the nix expression the app evaluates and the
 * tray icons are copied into the package here.
 */
const runtimeFiles = [
  'nix/inspect.nix',
  'nix/inspect-flake.nix',
  'main/targets/activate.sh',
  'assets',
  ...nativeModules.map((name) => join('node_modules', name)),
];

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Flakedeck',
    executableName: 'flakedeck',
    appBundleId: 'org.flakedeck.app',
    appCategoryType: 'public.app-category.developer-tools',
    // Native binaries cannot be loaded from inside the asar archive.
    asar: { unpack: '**/{*.node,spawn-helper}' },
  },
  // No rebuild for Electron: the native modules are Node-API, so the build npm made for Node loads in Electron too
  // (tests/packaging/native-modules.test.ts checks it). A rebuild would gain nothing, and would tie node_modules to
  // whichever runtime prepared it last.
  rebuildConfig: { onlyModules: [] },
  hooks: {
    packageAfterCopy: async (_config, buildPath) => {
      for (const file of runtimeFiles) {
        mkdirSync(dirname(join(buildPath, file)), { recursive: true });
        cpSync(join(import.meta.dirname, file), join(buildPath, file), { recursive: true, dereference: true });
      }
    },
  },
  makers: [
    new MakerZIP({}, ['linux', 'darwin', 'win32']),
    new MakerDeb({ options: { name: 'flakedeck', productName: 'Flakedeck', categories: ['Development', 'System'] } }),
    new MakerDMG({ format: 'ULFO' }, ['darwin']),
    new MakerSquirrel({ name: 'Flakedeck' }, ['win32']),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'main/index.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'preload/index.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    // The app holds the key that decrypts every secret: nothing may run code as this binary but the app itself.
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;
