# tests/flake/stand-in/pkgs.nix: nixpkgs' packages, stood in. nixpkgs cannot be fetched on the test machines; the
# hosts' modules (and the real home-manager, impermanence and sops-nix modules) only need packages as values to put
# in lists, paths and scripts, never built. Every package here is a fake derivation (type "derivation", a made-up
# store path, version "stand-in"); the builders (runCommand, writeText, buildEnv, …) return one too. callPackage is
# nixpkgs lib's real callPackageWith over this set, so the modules' own package expressions are really called.
{ lib }:
let
  storePath = name: "/nix/store/${builtins.substring 0 32 (builtins.hashString "sha256" name)}-${name}";

  # A package: what the module system's `package` type and the app's inspection read of it.
  fake =
    pname: attrs:
    let
      self = {
        type = "derivation";
        inherit pname;
        version = "stand-in";
        name = "${pname}-stand-in";
        outPath = storePath pname;
        drvPath = storePath "${pname}.drv";
        outputs = [ "out" ];
        outputName = "out";
        out = self;
        meta = {
          mainProgram = pname;
        };
        passthru = { };
        override = _: self;
        overrideAttrs = _: self;
        overrideDerivation = _: self;
        withPackages = _: self;
        withPlugins = _: self;
      }
      // attrs;
    in
    self;

  # nixpkgs 26.05's version where a home-manager module checks it; "stand-in" elsewhere.
  versions = {
    fzf = "0.73.0";
  };
  package = name: fake name (lib.optionalAttrs (versions ? ${name}) { version = versions.${name}; name = "${name}-${versions.${name}}"; });
  # A builder's result, named by its first argument (a name or an attrset with one).
  built = arg: fake (if builtins.isAttrs arg then arg.name or arg.pname or "built" else arg) { };

  # A package set (python3Packages, vimPlugins, …): any name is a package. Nix has no missing-attribute hook, so the
  # names used by the evaluated modules are listed.
  set = names: lib.genAttrs names package;

  # pkgs.formats with the option types of nixpkgs' pkgs-lib/formats.nix (values checked as upstream), generators
  # returning a fake file.
  valueType =
    let
      t = lib.types.nullOr (
        lib.types.oneOf [
          lib.types.bool
          lib.types.int
          lib.types.float
          lib.types.str
          lib.types.path
          (lib.types.attrsOf t)
          (lib.types.listOf t)
        ]
      );
    in
    t;
  atom = lib.types.nullOr (
    lib.types.oneOf [
      lib.types.bool
      lib.types.int
      lib.types.float
      lib.types.str
      lib.types.path
    ]
  );
  format = _: {
    type = valueType;
    generate = name: _value: built name;
    lib.types.atom = atom;
  };

  hostPlatform = lib.systems.elaborate "x86_64-linux";

  names = import ./package-names.nix;

  pkgs =
    set names
    // {
      inherit lib;
      system = "x86_64-linux";
      stdenv = fake "stdenv" {
        inherit hostPlatform;
        buildPlatform = hostPlatform;
        targetPlatform = hostPlatform;
        isLinux = true;
        isDarwin = false;
        mkDerivation = built;
        cc = package "gcc";
        shell = "${package "bash"}/bin/bash";
      };
      stdenvNoCC = pkgs.stdenv;
      inherit hostPlatform;
      buildPlatform = hostPlatform;
      targetPlatform = hostPlatform;
      buildPackages = pkgs;
      pkgsBuildHost = pkgs;
      pkgsBuildBuild = pkgs;
      pkgsHostTarget = pkgs;
      # home-manager imports nixpkgs' misc/assertions.nix and misc/meta.nix from here.
      path = ./nixpkgs;
      runtimeShell = "${pkgs.bash}/bin/bash";
      callPackage = lib.callPackageWith pkgs;
      formats = lib.genAttrs [
        "json"
        "yaml"
        "yaml_1_1"
        "yaml_1_2"
        "toml"
        "ini"
        "iniWithGlobalSection"
        "keyValue"
        "gitIni"
        "systemd"
        "lua"
        "xml"
        "pythonVars"
        "libconfig"
      ] (_: format);

      # Builders.
      runCommand = name: _env: _script: built name;
      runCommandLocal = name: _env: _script: built name;
      runCommandNoCC = name: _env: _script: built name;
      writeText = name: _text: built name;
      writeTextFile = built;
      writeTextDir = path: _text: built (baseNameOf path);
      writeScript = name: _text: built name;
      writeScriptBin = name: _text: built name;
      writeShellScript = name: _text: built name;
      writeShellScriptBin = name: _text: built name;
      writeShellApplication = built;
      writeClosure = _: built "closure";
      symlinkJoin = built;
      buildEnv = built;
      linkFarm = name: _entries: built name;
      linkFarmFromDrvs = name: _drvs: built name;
      substituteAll = built;
      replaceVars = src: _vars: built (baseNameOf (toString src));
      makeDesktopItem = built;
      buildGoModule = built;
      buildNpmPackage = built;
      mkShell = built;
      fetchurl = built;
      fetchFromGitHub = args: built (args.repo or "source");
      # What home-manager's neovim module reads of the wrapper nixpkgs builds.
      wrapNeovimUnstable =
        _: args:
        fake "neovim" {
          luaRcContent = "";
          packpathDirs.myNeovimPackages = {
            start = [ ];
            opt = [ ];
          };
          inherit (args) wrapperArgs;
        };
      neovimUtils = {
        makeVimPackageInfo = _: {
          pluginPython3Packages = [ ];
          luaDependencies = [ ];
          runtimeDeps = [ ];
          vimPackage = { };
        };
        packDir = _: built "vim-pack-dir";
      };
      vimUtils = {
        buildVimPlugin = built;
        packDir = _: built "vim-pack-dir";
      };
      python3Packages = set [ "pynvim" "python" ];
      vimPlugins = set [ ];
      nodePackages = set [ ];
      zshPlugins = set [ ];
      gnomeExtensions = set [ "appindicator" ];
      haskellPackages = set [ ];
      lua51Packages = set [ ];
      luajitPackages = set [ ];
    };
in
pkgs
