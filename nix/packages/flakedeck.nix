# nix/packages/flakedeck.nix: Flakedeck, built the way nixpkgs builds Electron apps: buildNpmPackage on
# package-lock.json through importNpmLock (no hash to keep by hand), nixpkgs' Electron (never a downloaded binary),
# the native modules rebuilt against its headers, the Vite bundles of main, preload, renderer and the command line,
# a wrapper, a desktop entry and the icon. `flakedeck` opens the app; `flakedeck <command>` runs the command line.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  electron,
  nodejs_22,
  makeWrapper,
  copyDesktopItems,
  makeDesktopItem,
  pkg-config,
  python3,
  libsecret,
  runtimeShell,
  # package-lock.json records no download URLs (npm's omit-lockfile-registry-resolved keeps registry hosts out of
  # it); importNpmLock fetches each package from its `resolved` URL, so they are filled in from this registry.
  npmRegistry ? "https://registry.npmjs.org",
}:
let
  root = ../..;
  packageJson = lib.importJSON (root + "/package.json");

  # What the build reads, and no more: an edit to hosts/ or secrets/ (or a test) does not rebuild the app.
  buildInputsFromRepo = [
    "package.json"
    "package-lock.json"
    "tsconfig.base.json"
    "tsconfig.node.json"
    "tsconfig.web.json"
    "svelte.config.js"
    "vite.main.config.ts"
    "vite.preload.config.ts"
    "vite.renderer.config.ts"
    "vite.cli.config.ts"
    "scripts/build-bundles.ts"
    "common"
    "main"
    "preload"
    "renderer"
    "bin"
    "assets"
    "nix/inspect.nix"
    "nix/inspect-flake.nix"
  ];
  src = lib.cleanSourceWith {
    name = "flakedeck-source";
    src = root;
    filter =
      path: _type:
      let
        relative = lib.removePrefix "${toString root}/" (toString path);
        # The entry itself, a folder that holds it, or something inside it.
        keeps = entry: relative == entry || lib.hasPrefix "${relative}/" entry || lib.hasPrefix "${entry}/" relative;
      in
      !(lib.hasSuffix ".test.ts" relative) && lib.any keeps buildInputsFromRepo;
  };

  # node_modules/@scope/name/node_modules/dep → dep, fetched from REGISTRY/dep/-/dep-VERSION.tgz as npm does.
  withDownloadUrls =
    lock:
    lock
    // {
      packages = lib.mapAttrs (
        path: entry:
        if path == "" || entry ? resolved || entry.link or false then
          entry
        else
          let
            name = entry.name or (lib.last (lib.splitString "node_modules/" path));
          in
          entry // { resolved = "${npmRegistry}/${name}/-/${baseNameOf name}-${entry.version}.tgz"; }
      ) lock.packages;
    };
in
buildNpmPackage {
  pname = packageJson.name;
  inherit (packageJson) version;
  inherit src;
  nodejs = nodejs_22;

  npmDeps = importNpmLock {
    npmRoot = src;
    packageLock = withDownloadUrls (lib.importJSON (root + "/package-lock.json"));
  };
  npmConfigHook = importNpmLock.npmConfigHook;

  env = {
    # Electron's npm package would fetch its binary on first use; nixpkgs' Electron runs the app instead.
    ELECTRON_SKIP_BINARY_DOWNLOAD = "1";
    # keytar's install script tries a prebuilt binary first; compile it, as the others are.
    npm_config_build_from_source = "true";
  };
  # The install scripts of keytar and node-pty compile them against Electron's headers.
  npmFlags = [ "--nodedir=${electron.headers}" ];

  nativeBuildInputs = [
    makeWrapper
    copyDesktopItems
    pkg-config
    python3
  ];
  buildInputs = [ libsecret ];

  buildPhase = ''
    runHook preBuild

    # better-sqlite3 has no install script and ships prebuilt binaries, which are not built for NixOS: compile it
    # against Electron's headers too. node-gyp takes npm_config_nodedir over --nodedir.
    rm -r node_modules/better-sqlite3/prebuilds
    (cd node_modules/better-sqlite3 && npm_config_nodedir=${electron.headers} ../.bin/node-gyp rebuild --release)

    # The Vite builds Forge makes (main, preload, renderer) and the command line's bundle; no Electron needed.
    npm run build

    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall

    npm prune --omit=dev
    app=$out/share/flakedeck
    mkdir -p $app/nix $out/libexec/flakedeck $out/bin
    cp -r package.json .vite bin assets node_modules $app/
    cp nix/inspect.nix nix/inspect-flake.nix $app/nix/

    # The app: nixpkgs' Electron on this folder, run as an installed app (app.isPackaged), on Wayland when asked.
    makeWrapper ${lib.getExe electron} $out/libexec/flakedeck/app \
      --add-flags $app \
      --add-flags "\''${NIXOS_OZONE_WL:+\''${WAYLAND_DISPLAY:+--ozone-platform-hint=auto --enable-features=WaylandWindowDecorations --enable-wayland-ime=true}}" \
      --set-default ELECTRON_FORCE_IS_PACKAGED 1

    # The command line: the same bundle npm ships, on Node 22, loading the same Node-API modules as the app.
    makeWrapper ${lib.getExe nodejs_22} $out/libexec/flakedeck/cli --add-flags $app/bin/flakedeck.js

    substitute ${./flakedeck-launcher.sh} $out/bin/flakedeck \
      --subst-var-by shell ${runtimeShell} \
      --subst-var-by app $out/libexec/flakedeck/app \
      --subst-var-by cli $out/libexec/flakedeck/cli
    chmod +x $out/bin/flakedeck

    install -Dm644 assets/icon.png $out/share/icons/hicolor/256x256/apps/flakedeck.png

    runHook postInstall
  '';

  desktopItems = [
    (makeDesktopItem {
      name = "flakedeck";
      desktopName = "Flakedeck";
      genericName = "NixOS flake control center";
      comment = packageJson.description;
      exec = "flakedeck";
      icon = "flakedeck";
      categories = [
        "Development"
        "System"
      ];
    })
  ];

  meta = {
    inherit (packageJson) description;
    license = lib.licenses.mit;
    mainProgram = "flakedeck";
    platforms = lib.platforms.linux;
  };
}
