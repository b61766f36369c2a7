# tests/flake/stub/inputs.nix: the four flake inputs, faked for the stub evaluator (tests/flake/stub/lib.nix).
#
# nixpkgs.lib.nixosSystem runs the stub evalModules over the host's modules. home-manager's NixOS module is
# replaced by a skeleton that declares what nix/ relies on (users as submodules, sharedModules,
# extraSpecialArgs, osConfig). nixpkgs, impermanence and sops-nix declare only the options the test reads, with
# structural element types; every other upstream option is undeclared and merged structurally by the stub.
{ lib }:
let
  inherit (lib) mkOption types mkOptionDefault;

  homeManager =
    { config, ... }:
    {
      options.home-manager = {
        useGlobalPkgs = mkOption {
          type = types.bool;
          default = false;
        };
        useUserPackages = mkOption {
          type = types.bool;
          default = false;
        };
        extraSpecialArgs = mkOption {
          type = types.raw;
          default = { };
        };
        sharedModules = mkOption {
          type = types.listOf types.raw;
          default = [ ];
        };
        users = mkOption {
          type = types.attrsOf (
            types.submoduleWith {
              modules = config.home-manager.sharedModules;
              specialArgs = config.home-manager.extraSpecialArgs // {
                osConfig = config;
              };
            }
          );
          default = { };
        };
      };
    };

  # The upstream options the test reads, declared so that mkIf applies at the option (as upstream) rather than
  # leaking attribute names from disabled features; element types are left structural (`anything`).
  option = type: default: mkOption { inherit type default; };
  attrs = option (types.attrsOf types.anything) { };
  list = option (types.listOf types.anything) [ ];

  nixosModule =
    { config, ... }:
    {
      options = {
        assertions = list;
        warnings = option (types.listOf types.str) [ ];
        fileSystems = attrs;
        users.users = attrs;
        programs.ssh.knownHosts = attrs;
        services.openssh.hostKeys = list;
        networking.firewall.allowedTCPPorts = option (types.listOf types.port) [ ];
      };
      # Upstream defaults (nixpkgs 26.05) of the options whose values the features read to name their state.
      config = {
        services.forgejo = {
          stateDir = mkOptionDefault "/var/lib/forgejo";
          user = mkOptionDefault "forgejo";
          group = mkOptionDefault "forgejo";
        };
        services.jellyfin = {
          dataDir = mkOptionDefault "/var/lib/jellyfin";
          user = mkOptionDefault "jellyfin";
          group = mkOptionDefault "jellyfin";
        };
        services.prometheus.stateDir = mkOptionDefault "prometheus2";
        services.grafana.dataDir = mkOptionDefault "/var/lib/grafana";
        users.users.${config.deck.user}.home = mkOptionDefault "/home/${config.deck.user}";
      };
    };

  impermanenceModule = {
    options.environment.persistence = attrs;
  };

  sopsModule = {
    options.sops = {
      secrets = attrs;
      templates = attrs;
      placeholder = attrs;
      defaultSopsFile = option types.path null;
      age.sshKeyPaths = option (types.listOf types.path) [ ];
    };
  };
in
{
  nixpkgs = {
    lib = lib // {
      nixosSystem =
        { modules, specialArgs ? { }, ... }:
        lib.evalModules {
          modules = [ nixosModule ] ++ modules;
          specialArgs = {
            modulesPath = lib.stubModulesPath;
          } // specialArgs;
        };
    };
    legacyPackages = throw "nixpkgs packages are not available in the stub evaluator";
  };
  home-manager.nixosModules.home-manager = homeManager;
  impermanence.nixosModules.impermanence = impermanenceModule;
  sops-nix.nixosModules.sops = sopsModule;
}
