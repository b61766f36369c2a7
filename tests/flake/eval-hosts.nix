# tests/flake/eval-hosts.nix: evaluates flake.nix's hosts with the real module system and the real home-manager,
# impermanence and sops-nix modules (../shared/nix-sources), nixpkgs' option tree and packages stood in
# (tests/flake/stand-in/), and returns per host what tests/flake/flake.test.ts asserts on, including the manifest
# nix/inspect.nix makes for the app.
#   nix-instantiate --eval --strict --json tests/flake/eval-hosts.nix --argstr repo "$PWD" \
#     --argstr sources "$PWD/../shared/nix-sources"
{
  # The repository to evaluate (a path, or a string from --argstr): tests point it at a modified copy.
  repo ? ../..,
  # The snapshots of nixpkgs' lib, home-manager, impermanence and sops-nix (see its README).
  sources ? ../../../shared/nix-sources,
}:
let
  inputs = import ./stand-in/inputs.nix { sources = /. + toString sources; };
  inherit (inputs.nixpkgs) lib;
  flake = import (/. + toString repo + "/flake.nix");
  # The app's package (packages.<system>.flakedeck), which the home-manager module installs: a stood-in package of
  # that name, as the package's own expression needs nixpkgs' builders (tests/packaging evaluates it with those).
  flakedeckPackage = inputs.nixpkgs.legacyPackages.x86_64-linux.flakedeck;
  self = outputs // {
    outPath = toString repo;
    packages.x86_64-linux.flakedeck = flakedeckPackage;
  };
  outputs = flake.outputs (inputs // { inherit self; });
  inspect = import (/. + toString repo + "/nix/inspect.nix");

  summarize =
    _: host:
    let
      c = host.config;
      fileName = path: baseNameOf (toString path);
    in
    {
      inherit (c.deck) persist deploy user;
      features = lib.mapAttrs (_: feature: feature.enable) c.deck.features;
      roles = lib.mapAttrs (_: role: role.enable) c.deck.roles;
      fileSystems = lib.mapAttrs (_: fs: {
        inherit (fs) fsType device neededForBoot options;
      }) c.fileSystems;
      hostKeys = c.services.openssh.hostKeys;
      sopsKeyPaths = c.sops.age.sshKeyPaths;
      defaultSopsFile = fileName c.sops.defaultSopsFile;
      secrets = lib.mapAttrs (_: secret: {
        file = fileName secret.sopsFile;
        inherit (secret) key neededForUsers owner restartUnits path;
      }) c.sops.secrets;
      mutableUsers = c.users.mutableUsers;
      rootHashedPassword = c.users.users.root.hashedPassword;
      sshSettings = c.services.openssh.settings;
      knownHosts = lib.mapAttrs (_: k: {
        inherit (k) hostNames publicKey;
        publicKeyFile = if k.publicKeyFile == null then null else toString k.publicKeyFile;
      }) c.programs.ssh.knownHosts;
      firewallTCP = c.networking.firewall.allowedTCPPorts;
      luksDevices = lib.mapAttrs (_: luks: luks.device) c.boot.initrd.luks.devices;
      allowTrash = lib.mapAttrs (_: root: root.allowTrash) c.environment.persistence;
      zram = c.zramSwap.enable or false;
      grafanaAddress = c.services.grafana.settings.server.http_addr or null;
      # The restic job as handed to nixpkgs' restic module, and the unit options the flake adds to it.
      backup =
        let
          job = c.services.restic.backups.persist or null;
        in
        if job == null then
          null
        else
          {
            inherit (job)
              paths
              exclude
              extraOptions
              backupPrepareCommand
              backupCleanupCommand
              ;
            repositoryFile = toString job.repositoryFile;
            inherit (job) passwordFile;
            inherit (c.deck.features.backup) sqlite;
          };
      homeManagerUsers = builtins.attrNames c.home-manager.users;
      homeManager = {
        inherit (c.home-manager) useGlobalPkgs useUserPackages;
      };
      # The app's autostart entry (nix/home/flakedeck.nix), or null.
      flakedeckAutostart = c.home-manager.users.${c.deck.user}.xdg.configFile."autostart/flakedeck.desktop".text or null;
      failedAssertions = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
      warnings = c.warnings;
    };
in
{
  hostNames = builtins.attrNames outputs.nixosConfigurations;
  checkSystems = builtins.attrNames outputs.checks;
  formatterSystems = builtins.attrNames outputs.formatter;
  hosts = lib.mapAttrs summarize outputs.nixosConfigurations;
  manifests = inspect outputs.nixosConfigurations;
}
