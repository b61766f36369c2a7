# nix/lib/mk-host.nix: the one host builder. Every nixosConfiguration is built here, and nowhere else calls
# nixosSystem. It wires the module inputs, the project's modules, features and roles, one user with
# home-manager (as a NixOS module, so one evaluation covers system and home), and the host's own folder.
{ inputs }:
{
  # Folder name under hosts/, also the hostname.
  name,
  # The user whose home-manager environment (nix/home) and persisted home this host carries.
  user ? "alice",
}:
let
  hostDir = ../../hosts + "/${name}";

  # Passed to NixOS modules and, unchanged, to home-manager modules.
  specialArgs = { inherit inputs hostDir; };
in
inputs.nixpkgs.lib.nixosSystem {
  inherit specialArgs;
  # No `system` argument: hardware-configuration.nix sets nixpkgs.hostPlatform, as nixos-generate-config writes it.
  modules = [
    inputs.home-manager.nixosModules.home-manager
    inputs.impermanence.nixosModules.impermanence
    inputs.sops-nix.nixosModules.sops
    inputs.disko.nixosModules.disko

    ../modules # deck.* infrastructure: persist, deploy, secrets, user
    ../features # every feature, each off until its enable option is set
    ../roles # base, workstation, laptop, server: switch features on with mkDefault
    (../users + "/${user}.nix")
    hostDir

    {
      networking.hostName = name;
      deck.user = user;
      home-manager = {
        useGlobalPkgs = true;
        useUserPackages = true;
        extraSpecialArgs = specialArgs;
      };
    }
  ];
}
