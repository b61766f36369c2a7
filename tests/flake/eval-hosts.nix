# tests/flake/eval-hosts.nix: evaluates flake.nix's hosts with the stub lib and fake inputs (no nixpkgs), and
# returns, per host, the settings tests/flake/flake.test.ts asserts on.
#   nix-instantiate --eval --strict --json tests/flake/eval-hosts.nix --argstr repo "$PWD"
{
  # The repository to evaluate (a path, or a string from --argstr): tests point it at a modified copy.
  repo ? ../..,
}:
let
  lib = import ./stub/lib.nix;
  inputs = import ./stub/inputs.nix { inherit lib; };
  flake = import (repo + "/flake.nix");
  outputs = flake.outputs (inputs // { self = outputs // { outPath = toString repo; }; });

  summarize =
    _: host:
    let
      c = host.config;
      fileName = path: baseNameOf (toString path);
      # Options declared upstream have no default here; an undefined one reads as `fallback`.
      orDefault =
        fallback: value:
        let
          r = builtins.tryEval value;
        in
        if r.success then r.value else fallback;
    in
    {
      inherit (c.deck) persist deploy user;
      features = lib.mapAttrs (_: feature: feature.enable) c.deck.features;
      roles = lib.mapAttrs (_: role: role.enable) c.deck.roles;
      fileSystems = lib.mapAttrs (_: fs: {
        fsType = fs.fsType or null;
        neededForBoot = fs.neededForBoot or false;
        options = fs.options or [ ];
      }) c.fileSystems;
      persistence = c.environment.persistence or { };
      hostKeys = c.services.openssh.hostKeys;
      sopsKeyPaths = c.sops.age.sshKeyPaths;
      defaultSopsFile = fileName c.sops.defaultSopsFile;
      secrets = lib.mapAttrs (name: secret: {
        file = fileName (secret.sopsFile or c.sops.defaultSopsFile);
        key = secret.key or name;
        neededForUsers = secret.neededForUsers or false;
        owner = secret.owner or null;
        restartUnits = secret.restartUnits or [ ];
      }) c.sops.secrets;
      mutableUsers = c.users.mutableUsers;
      rootHashedPassword = c.users.users.root.hashedPassword or null;
      sshSettings = c.services.openssh.settings or { };
      knownHosts = lib.mapAttrs (_: k: { inherit (k) hostNames; publicKeyFile = toString k.publicKeyFile; }) c.programs.ssh.knownHosts;
      firewallTCP = orDefault [ ] c.networking.firewall.allowedTCPPorts;
      homeManagerUsers = builtins.attrNames c.home-manager.users;
      homeManager = {
        inherit (c.home-manager) useGlobalPkgs useUserPackages;
      };
      failedAssertions = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
      warnings = c.warnings;
    };
in
{
  hostNames = builtins.attrNames outputs.nixosConfigurations;
  checkSystems = builtins.attrNames outputs.checks;
  formatterSystems = builtins.attrNames outputs.formatter;
  hosts = lib.mapAttrs summarize outputs.nixosConfigurations;
}
