# nix/modules/persist.nix: the one module that talks to impermanence.
#
# Every feature that owns state says so in its own file, through four lists:
#
#   deck.persist.system.directories   deck.persist.system.files   absolute paths, e.g. "/var/lib/acme"
#   deck.persist.home.directories     deck.persist.home.files     relative to the user's home, e.g. ".ssh"
#
# home-manager modules (nix/home) have the same two deck.persist.home lists; their entries are folded into the
# NixOS ones here, so config.deck.persist is the complete list of a host. This file turns the lists into
# environment.persistence."/persist", and when deck.persist.enable is set it also makes / a tmpfs, so that
# everything not listed is gone after a reboot. Swapping impermanence for another backend changes this file only.
#
# Entries take impermanence's two forms: a path string, or an attribute set with impermanence's attribute names
# ({ directory; user; group; mode; } for directories, { file; parentDirectory = { user; group; mode; }; } for files).
{
  config,
  lib,
  hostDir,
  ...
}:
let
  cfg = config.deck.persist;
  inherit (lib) mkOption types;

  entryType = types.either types.str (types.attrsOf types.anything);
  entriesOption =
    description:
    mkOption {
      type = types.listOf entryType;
      default = [ ];
      inherit description;
    };

  pathOf = entry: if builtins.isString entry then entry else entry.directory or entry.file or "";
  isHomePath = path: path == "/home" || lib.hasPrefix "/home/" path;

  # The home-side lists, declared in every home-manager user of the host.
  homeOptions = {
    options.deck.persist.home = {
      directories = entriesOption "Directories under the home directory that survive a reboot.";
      files = entriesOption "Files under the home directory that survive a reboot.";
    };
  };
  homeLists = config.home-manager.users.${config.deck.user}.deck.persist.home;

  # [Note: persist.json]
  # hosts/<name>/persist.json belongs to the app: it adds paths there (the app never edits .nix files). Format,
  # every key optional:
  #
  #   {
  #     "system": { "directories": [ "/var/lib/foo", { "directory": "/var/lib/bar", "user": "bar", "mode": "0700" } ],
  #                 "files":       [ "/etc/foo.conf" ] },
  #     "home":   { "directories": [ "Games", { "directory": ".gnupg", "mode": "0700" } ],
  #                 "files":       [ ".config/foo/settings.json" ] }
  #   }
  #
  # Entries are strings or objects with impermanence's attribute names, exactly as in Nix. The lists are merged
  # with the ones the features declare. The file is a module of its own (setDefaultModuleLocation), so a misspelt
  # key fails evaluation with an error that names persist.json ("dirs": the option does not exist; "sytem": the
  # assertion below); a /home path under "system" fails the /home assertion like any other. Flakes only see files
  # git knows about: the app `git add`s it.
  persistJson = hostDir + "/persist.json";
  persistJsonModule =
    let
      data = builtins.fromJSON (builtins.readFile persistJson);
      unknown = builtins.removeAttrs data [
        "system"
        "home"
      ];
    in
    lib.setDefaultModuleLocation persistJson {
      deck.persist = builtins.intersectAttrs {
        system = null;
        home = null;
      } data;
      assertions = [
        {
          assertion = unknown == { };
          message = "${toString persistJson}: unknown top-level keys ${builtins.toJSON (builtins.attrNames unknown)}; only \"system\" and \"home\" are read.";
        }
      ];
    };
in
{
  imports = lib.optional (builtins.pathExists persistJson) persistJsonModule;

  options.deck.persist = {
    enable = lib.mkEnableOption "an ephemeral root: / is a tmpfs and only the declared paths survive a reboot";

    path = mkOption {
      type = types.str;
      default = "/persist";
      description = "Mount point of the persistent volume (declared in hardware-configuration.nix).";
    };

    tmpfsSize = mkOption {
      type = types.str;
      default = "1G";
      description = ''
        Size of the tmpfs root. Kept small on purpose: a full / is a hint that something should be persisted.
      '';
    };

    system = {
      directories = entriesOption "Absolute directories that survive a reboot.";
      files = entriesOption "Absolute files that survive a reboot.";
    };

    home = {
      directories = entriesOption "Directories under the primary user's home that survive a reboot.";
      files = entriesOption "Files under the primary user's home that survive a reboot.";
    };
  };

  config = lib.mkMerge [
    {
      # State every NixOS machine has, whatever its features: uid/gid allocations (users are recreated
      # declaratively at each boot, the ids must not move), systemd's timers, random seed and journal id,
      # the logs, and the machine id the journal is keyed on.
      deck.persist.system.directories = [
        "/var/lib/nixos"
        "/var/lib/systemd"
        "/var/log"
      ];
      deck.persist.system.files = [ "/etc/machine-id" ];

      home-manager.sharedModules = [ homeOptions ];
      deck.persist.home.directories = homeLists.directories;
      deck.persist.home.files = homeLists.files;

      assertions =
        map (entry: {
          assertion = !isHomePath (pathOf entry);
          message = "deck.persist.system: ${pathOf entry} is under /home; declare it in deck.persist.home (relative to the home directory).";
        }) (cfg.system.directories ++ cfg.system.files)
        ++ map (entry: {
          assertion = !lib.hasPrefix "/" (pathOf entry);
          message = "deck.persist.home: ${pathOf entry} must be relative to the home directory.";
        }) (cfg.home.directories ++ cfg.home.files);
    }

    (lib.mkIf cfg.enable {
      # mkForce: a regenerated hardware-configuration.nix records the live tmpfs mount too.
      fileSystems."/" = lib.mkForce {
        device = "none";
        fsType = "tmpfs";
        options = [
          "defaults"
          "size=${cfg.tmpfsSize}"
          "mode=755"
        ];
      };
      fileSystems.${cfg.path}.neededForBoot = true;

      environment.persistence.${cfg.path} = {
        hideMounts = true;
        # GNOME's Trash: files deleted in a persisted folder go to its .Trash-<uid> on the persistent volume
        # instead of being refused or lost.
        allowTrash = true;
        inherit (cfg.system) directories files;
        users.${config.deck.user} = {
          inherit (cfg.home) directories files;
        };
      };
    })
  ];
}
