# flake.nix: the Flakedeck machines and the Flakedeck app. Inputs, then one line per host and per output; everything
# else lives in nix/ and hosts/.
{
  description = "Flakedeck: two workstations on an ephemeral root, a public VPS and a homelab VM";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

    home-manager = {
      url = "github:nix-community/home-manager/release-26.05";
      inputs.nixpkgs.follows = "nixpkgs";
    };

    # impermanence gained nixpkgs and home-manager inputs (for its own tests) in 2025.
    impermanence = {
      url = "github:nix-community/impermanence";
      inputs.nixpkgs.follows = "nixpkgs";
      inputs.home-manager.follows = "home-manager";
    };

    sops-nix = {
      url = "github:Mic92/sops-nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };

    # Partitions, LUKS and btrfs subvolumes of each host (hosts/<name>/disko.nix), for nixos-anywhere's install; the
    # file systems NixOS mounts are derived from the same layout.
    disko = {
      url = "github:nix-community/disko";
      inputs.nixpkgs.follows = "nixpkgs";
    };

    # Per-model hardware settings (the laptop's ThinkPad T14).
    nixos-hardware.url = "github:NixOS/nixos-hardware";
  };

  outputs =
    { self, nixpkgs, ... }@inputs:
    let
      inherit (nixpkgs) lib;
      mkHost = import ./nix/lib/mk-host.nix { inherit inputs; };
      systems = [ "x86_64-linux" ];
      forAllSystems = lib.genAttrs systems;
    in
    {
      # Deploy with `nixos-rebuild switch --flake .#<host>` (or the app, which reads config.deck.deploy).
      nixosConfigurations = {
        desktop = mkHost { name = "desktop"; }; # Tower at home: GNOME, tmpfs root on LUKS + btrfs
        laptop = mkHost { name = "laptop"; }; # ThinkPad: the desktop plus power management and wifi
        vps = mkHost { name = "vps"; }; # Public KVM server: personal site + Forgejo behind nginx/ACME
        homelab = mkHost { name = "homelab"; }; # QEMU guest on the home server: Jellyfin, Vaultwarden, Grafana
      };

      # The app: `nix build .#flakedeck`; `nix run .` opens it on this flake (`-- --hidden`: in the tray).
      packages = forAllSystems (system: import ./nix/packages { pkgs = nixpkgs.legacyPackages.${system}; });
      apps = forAllSystems (system: import ./nix/packages/apps.nix self.packages.${system});

      # `nix develop`, then `npm ci` and `npm start` on nixpkgs' Electron.
      devShells = forAllSystems (system: import ./nix/dev-shells.nix { pkgs = nixpkgs.legacyPackages.${system}; });

      # `nix flake check` builds the app and every host whose platform is this system, so CI catches a host that
      # no longer evaluates or builds without deploying it.
      checks = forAllSystems (
        system:
        { flakedeck = self.packages.${system}.flakedeck; }
        // lib.mapAttrs' (name: host: lib.nameValuePair "host-${name}" host.config.system.build.toplevel) (
          lib.filterAttrs (
            _: host: host.config.nixpkgs.hostPlatform.system == system
          ) self.nixosConfigurations
        )
      );

      # `nix fmt`: nixfmt (RFC 166 style) over the whole tree.
      formatter = forAllSystems (system: nixpkgs.legacyPackages.${system}.nixfmt-tree);
    };
}
