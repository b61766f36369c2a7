# tests/flake/stand-in/inputs.nix: the flake's inputs for the evaluation without network. Real: nixpkgs' lib (with
# its module system), and the modules of home-manager, impermanence and sops-nix, from the unmodified snapshots in
# `sources` (../shared/nix-sources). Stood in: nixpkgs' NixOS option tree and packages (./nixos.nix, ./pkgs.nix),
# and the inputs that have no snapshot (nixos-hardware, disko: ./nixos-hardware.nix, ./disko.nix).
{ sources }:
let
  lib = import (sources + "/nixpkgs-lib/lib");
  pkgs = import ./pkgs.nix { inherit lib; };
  modulesPath = ./nixpkgs/nixos/modules;

  # nixpkgs' nixos/lib/utils.nix, the two functions the real third-party modules call.
  utils = {
    escapeSystemdPath =
      s:
      let
        replacePrefix =
          p: r: s:
          if lib.hasPrefix p s then r + builtins.substring (builtins.stringLength p) (-1) s else s;
        trim = s: lib.removeSuffix "/" (lib.removePrefix "/" s);
      in
      replacePrefix "." (lib.strings.escapeC [ "." ] ".") (
        lib.strings.escapeC (lib.stringToCharacters " !\"#$%&'()*+,;<=>=@[\\]^`{|}~-") (
          lib.replaceStrings [ "/" ] [ "-" ] (trim s)
        )
      );
    pathsNeededForBoot = [
      "/"
      "/nix"
      "/nix/store"
      "/var"
      "/var/log"
      "/var/lib"
      "/var/lib/nixos"
      "/etc"
      "/usr"
    ];
    fsNeededForBoot = fs: fs.neededForBoot || lib.elem fs.mountPoint utils.pathsNeededForBoot;
  };

  # nixpkgs' lib.nixosSystem (nixos/lib/eval-config.nix): the real evalModules over the stand-in option tree and the
  # host's modules, with the arguments NixOS modules receive.
  nixosSystem =
    {
      modules,
      specialArgs ? { },
      ...
    }:
    lib.evalModules {
      class = "nixos";
      specialArgs = {
        inherit modulesPath;
      }
      // specialArgs;
      modules = [
        ./nixos.nix
        {
          _module.args = {
            inherit pkgs utils;
            baseModules = [ ./nixos.nix ];
            extraModules = [ ];
          };
          # home-manager's docs/ (the manual page package) is not in the snapshot.
          home-manager.sharedModules = [ { manual.manpages.enable = false; } ];
        }
      ]
      ++ modules;
    };
in
{
  nixpkgs = {
    lib = lib // {
      inherit nixosSystem;
    };
    legacyPackages.x86_64-linux = pkgs;
    outPath = toString ./nixpkgs;
  };

  # As their flakes export them.
  home-manager = {
    nixosModules.home-manager = import (sources + "/home-manager/nixos");
    nixosModules.default = import (sources + "/home-manager/nixos");
  };
  impermanence =
    let
      outputs = (import (sources + "/impermanence/flake.nix")).outputs {
        self = outputs;
        nixpkgs = { inherit lib; };
        home-manager = { };
      };
    in
    outputs;
  # No snapshot of these two: stand-ins.
  disko.nixosModules = {
    disko = ./disko.nix;
    default = ./disko.nix;
  };
  nixos-hardware.nixosModules = import ./nixos-hardware.nix;

  sops-nix.nixosModules = {
    sops = import (sources + "/sops-nix/modules/sops");
    default = import (sources + "/sops-nix/modules/sops");
  };
}
