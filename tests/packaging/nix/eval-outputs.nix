# tests/packaging/nix/eval-outputs.nix: flake.nix's package, app, dev shell and checks, evaluated with the real
# nixpkgs lib and the stand-ins of ./stand-in-pkgs.nix; returns what tests/packaging/nix-package.test.ts asserts on.
#   nix-instantiate --eval --strict --json tests/packaging/nix/eval-outputs.nix --arg nixpkgsLib PATH
{
  nixpkgsLib,
  repo ? ../../..,
}:
let
  lib = import nixpkgsLib;
  pkgs = import ./stand-in-pkgs.nix { inherit lib; };
  system = "x86_64-linux";
  # The hosts are another test's subject: here each is a toplevel on this system, enough for `checks`.
  nixosSystem = _: {
    config = {
      nixpkgs.hostPlatform.system = system;
      system.build.toplevel = pkgs.callPackage ({ lib }: "toplevel") { };
    };
  };
  inputs = {
    nixpkgs = {
      lib = lib // { inherit nixosSystem; };
      legacyPackages.${system} = pkgs;
    };
  };
  outputs = (import (repo + "/flake.nix")).outputs (inputs // { self = outputs // { outPath = toString repo; }; });

  name = drv: drv.name;
  package = outputs.packages.${system}.flakedeck;
  args = package.args;
  shell = outputs.devShells.${system}.default;
in
{
  stand-ins = {
    electron = toString pkgs.electron;
    electronHeaders = toString pkgs.electron.headers;
    nodejs = toString pkgs.nodejs_22;
  };
  package = {
    inherit (package) builtWith name;
    isDefault = outputs.packages.${system}.default == package;
    src = toString args.src;
    nodejs = toString args.nodejs;
    npmDeps = {
      inherit (args.npmDeps) builtWith;
      npmRoot = toString args.npmDeps.args.npmRoot;
      packages = lib.mapAttrs (_: entry: entry.resolved or null) args.npmDeps.args.packageLock.packages;
    };
    npmConfigHook = name args.npmConfigHook;
    inherit (args)
      env
      npmFlags
      buildPhase
      installPhase
      ;
    nativeBuildInputs = map name args.nativeBuildInputs;
    buildInputs = map name args.buildInputs;
    desktopItems = map (item: item.args) args.desktopItems;
    meta = {
      inherit (args.meta) mainProgram description platforms;
      license = args.meta.license.spdxId;
    };
  };
  app = outputs.apps.${system}.default;
  devShell = {
    inherit (shell) builtWith;
    packages = map name shell.args.packages;
    inherit (shell.args) ELECTRON_OVERRIDE_DIST_PATH ELECTRON_SKIP_BINARY_DOWNLOAD;
    npm_config_nodedir = toString shell.args.npm_config_nodedir;
  };
  checks = {
    names = builtins.attrNames outputs.checks.${system};
    flakedeckIsThePackage = outputs.checks.${system}.flakedeck == package;
  };
}
