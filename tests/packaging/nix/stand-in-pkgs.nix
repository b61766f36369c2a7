# tests/packaging/nix/stand-in-pkgs.nix: the nixpkgs packages and builders that nix/packages/ and nix/dev-shells.nix
# call, stood in (nixpkgs cannot be fetched on the test machines). Packages are fake derivations with made-up store
# paths; the builders return one that records the arguments it was given, for the test to check. callPackage is the
# real lib's callPackageWith over this set.
{ lib }:
let
  storePath = name: "/nix/store/${builtins.substring 0 32 (builtins.hashString "sha256" name)}-${name}";
  fake =
    name: attrs:
    {
      type = "derivation";
      inherit name;
      outPath = storePath name;
      drvPath = storePath "${name}.drv";
      meta = { };
    }
    // attrs;
  package = name: fake "${name}-stand-in" { };

  pkgs = {
    inherit lib;
    callPackage = lib.callPackageWith pkgs;

    electron = fake "electron-stand-in" {
      version = "99.0.0";
      headers = package "electron-headers";
      meta.mainProgram = "electron";
    };
    nodejs_22 = fake "nodejs-22-stand-in" { meta.mainProgram = "node"; };
    runtimeShell = "${package "bash"}/bin/bash";

    buildNpmPackage = args: fake "${args.pname}-${args.version}" { builtWith = "buildNpmPackage"; inherit args; inherit (args) meta; };
    importNpmLock = {
      __functor = _: args: fake "npm-deps" { builtWith = "importNpmLock"; inherit args; };
      npmConfigHook = package "npm-config-hook";
    };
    makeDesktopItem = args: fake "${args.name}.desktop" { builtWith = "makeDesktopItem"; inherit args; };
    mkShell = args: fake "dev-shell" { builtWith = "mkShell"; inherit args; };
  }
  // lib.genAttrs [
    "makeWrapper"
    "copyDesktopItems"
    "pkg-config"
    "python3"
    "libsecret"
    "nix"
    "age"
    "sops"
    "ssh-to-age"
    "openssh"
  ] package;
in
pkgs
