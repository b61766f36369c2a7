# tests/flake/stand-in/nixos.nix: nixpkgs' NixOS option tree, stood in (nixpkgs cannot be fetched on the test
# machines). Everything else in the evaluation is real: nixpkgs' lib and module system, impermanence, sops-nix and
# home-manager.
#
# Typed, with upstream's names, types and defaults (nixpkgs 26.05): the options that this flake or the real
# third-party modules read a value of, and the ones the tests inspect. A misspelt name under a typed option set, or
# a value of the wrong type there, fails as it would with nixpkgs.
# Free-form: everything else under NixOS's top-level names (services, boot, security, …): attribute sets merged,
# lists concatenated, priorities and mkIf honoured, other values must agree. A misspelt nixpkgs option there is not
# caught here (`nix flake check` with the real nixpkgs catches it); a misspelt top-level name, and anything under
# the flake's own `deck` or the real modules' options, is.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;

  option = type: default: mkOption { inherit type default; };
  freeform = types.lazyAttrsOf types.anything;
  # An option set whose named options are typed and whose other attributes are free-form.
  openSubmodule =
    options:
    types.submodule {
      freeformType = freeform;
      inherit options;
    };
  enable = option types.bool false;

  # A service of nixpkgs whose state location the features read (services.<name>.{enable,user,group,<dir>}).
  stateService =
    name: dirOption: dir:
    mkOption {
      default = { };
      type = openSubmodule {
        enable = enable;
        user = option types.str name;
        group = option types.str name;
        ${dirOption} = option types.str dir;
      };
    };

  userType = types.submodule (
    { name, config, ... }:
    {
      freeformType = freeform;
      options = {
        name = option types.str name;
        home = option types.path (if config.isNormalUser then "/home/${name}" else "/var/empty");
        uid = option (types.nullOr types.int) null;
        group = option types.str (if config.isNormalUser then "users" else "");
        isNormalUser = option types.bool false;
        isSystemUser = option types.bool false;
        description = option types.str "";
        extraGroups = option (types.listOf types.str) [ ];
        packages = option (types.listOf types.package) [ ];
        shell = option (types.nullOr (types.either types.shellPackage types.path)) null;
        hashedPassword = option (types.nullOr types.str) null;
        hashedPasswordFile = option (types.nullOr types.str) null;
        initialPassword = option (types.nullOr types.str) null;
        openssh.authorizedKeys = {
          keys = option (types.listOf types.singleLineStr) [ ];
          keyFiles = option (types.listOf types.path) [ ];
        };
      };
    }
  );

  fileSystemType = types.submodule (
    { name, ... }:
    {
      freeformType = freeform;
      options = {
        mountPoint = option types.str name;
        device = option (types.nullOr types.str) null;
        fsType = option types.str "auto";
        options = option (types.nonEmptyListOf types.str) [ "defaults" ];
        neededForBoot = option types.bool false;
        depends = option (types.listOf types.str) [ ];
      };
    }
  );

  knownHostType = types.submodule (
    { name, ... }:
    {
      options = {
        certAuthority = option types.bool false;
        hostNames = option (types.listOf types.str) [ name ];
        extraHostNames = option (types.listOf types.str) [ ];
        publicKey = option (types.nullOr types.singleLineStr) null;
        publicKeyFile = option (types.nullOr types.path) null;
      };
    }
  );

  unitType = types.submodule {
    freeformType = freeform;
    options = {
      enable = option types.bool true;
      description = option types.str "";
      wantedBy = option (types.listOf types.str) [ ];
      requiredBy = option (types.listOf types.str) [ ];
      wants = option (types.listOf types.str) [ ];
      requires = option (types.listOf types.str) [ ];
      after = option (types.listOf types.str) [ ];
      before = option (types.listOf types.str) [ ];
      path = option (types.listOf (types.either types.package types.str)) [ ];
      environment = option (types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ]))) { };
      serviceConfig = option (types.attrsOf types.anything) { };
      unitConfig = option (types.attrsOf types.anything) { };
      script = option types.lines "";
      preStart = option types.lines "";
      postStart = option types.lines "";
      stopIfChanged = option types.bool true;
      restartIfChanged = option types.bool true;
    };
  };

  # services.restic.backups.<name>, as nixpkgs declares the options this flake sets (nixos/modules/services/backup/
  # restic.nix): the backup test reads them to check the unit's identity, known hosts and preparation.
  resticBackupType = types.submodule {
    options = {
      repository = option (types.nullOr types.str) null;
      repositoryFile = option (types.nullOr types.path) null;
      passwordFile = option types.str "";
      environmentFile = option (types.nullOr types.str) null;
      rcloneConfigFile = option (types.nullOr types.path) null;
      initialize = option types.bool false;
      user = option types.str "root";
      paths = option (types.listOf types.str) [ ];
      exclude = option (types.listOf types.str) [ ];
      extraOptions = option (types.listOf types.str) [ ];
      extraBackupArgs = option (types.listOf types.str) [ ];
      pruneOpts = option (types.listOf types.str) [ ];
      checkOpts = option (types.listOf types.str) [ ];
      runCheck = option types.bool false;
      timerConfig = option (types.nullOr (types.attrsOf types.anything)) {
        OnCalendar = "daily";
        Persistent = true;
      };
      backupPrepareCommand = option (types.nullOr types.str) null;
      backupCleanupCommand = option (types.nullOr types.str) null;
      inhibitsSleep = option types.bool false;
      createWrapper = option types.bool true;
      progressFps = option (types.nullOr types.numbers.nonnegative) null;
    };
  };
in
{
  config = {
    # The system users that nixpkgs' service modules create for the services the flake enables (sops-nix reads
    # their groups for the secrets they own).
    users = lib.mkMerge (
      map
        (
          { name, enabled }:
          lib.mkIf enabled {
            users.${name} = {
              isSystemUser = true;
              group = name;
            };
            groups.${name} = { };
          }
        )
        (
          map (name: {
            inherit name;
            enabled = config.services.${name}.enable or false;
          }) [ "forgejo" "grafana" "jellyfin" "nginx" "prometheus" "vaultwarden" ]
          ++ [
            {
              name = "acme";
              enabled = config.security.acme.acceptTerms or false;
            }
          ]
        )
    );
  };

  # NixOS's other top-level names, free-form.
  options = lib.genAttrs [
    "appstream"
    "console"
    "documentation"
    "hardware"
    "i18n"
    "location"
    "powerManagement"
    "qt"
    "security"
    "specialisation"
    "time"
    "virtualisation"
    "xdg"
    "zramSwap"
  ] (_: option (openSubmodule { }) { })
  // {
    assertions = option (types.listOf types.unspecified) [ ];
    warnings = option (types.listOf types.str) [ ];

    networking = mkOption {
      default = { };
      type = openSubmodule {
        hostName = option types.str "nixos";
        domain = option (types.nullOr types.str) null;
        firewall = mkOption {
          default = { };
          type = openSubmodule {
            enable = option types.bool true;
            allowedTCPPorts = option (types.listOf types.port) [ ];
            allowedUDPPorts = option (types.listOf types.port) [ ];
          };
        };
      };
    };

    users = option (openSubmodule {
      mutableUsers = option types.bool true;
      users = option (types.attrsOf userType) { };
      groups = option (types.attrsOf (
        types.submodule (
          { name, ... }:
          {
            freeformType = freeform;
            options.name = option types.str name;
            options.gid = option (types.nullOr types.int) null;
            options.members = option (types.listOf types.str) [ ];
          }
        )
      )) { };
    }) { };

    fonts = option (openSubmodule { fontconfig = option (openSubmodule { enable = option types.bool true; }) { }; }) { };

    fileSystems = option (types.attrsOf fileSystemType) { };
    swapDevices = option (types.listOf (types.attrsOf types.anything)) [ ];

    boot = mkOption {
      default = { };
      type = openSubmodule {
        initrd = mkOption {
          default = { };
          type = openSubmodule {
            systemd.enable = enable;
            luks.devices = option (types.attrsOf (openSubmodule { device = option types.str null; })) { };
          };
        };
      };
    };

    nix = mkOption {
      default = { };
      type = openSubmodule {
        enable = option types.bool true;
        package = option types.package (config._module.args.pkgs.nix);
        settings = option (types.attrsOf types.anything) { };
        extraOptions = option types.lines "";
      };
    };

    nixpkgs = option (openSubmodule {
      hostPlatform = mkOption {
        type = types.either types.str types.attrs;
        apply = lib.systems.elaborate;
      };
    }) { };

    system = mkOption {
      default = { };
      type = openSubmodule {
        stateVersion = option types.str "26.05";
        activationScripts = option (types.attrsOf types.anything) { };
        userActivationScripts = option (types.attrsOf types.anything) { };
        build = option (types.lazyAttrsOf types.raw) { };
      };
    };

    environment = mkOption {
      default = { };
      type = openSubmodule {
        etc = option (types.attrsOf (types.attrsOf types.anything)) { };
        pathsToLink = option (types.listOf types.str) [ ];
        systemPackages = option (types.listOf types.package) [ ];
      };
    };

    systemd = mkOption {
      default = { };
      type = openSubmodule {
        services = option (types.attrsOf unitType) { };
        user.services = option (types.attrsOf unitType) { };
        timers = option (types.attrsOf (types.attrsOf types.anything)) { };
        tmpfiles.rules = option (types.listOf types.str) [ ];
        sysusers.enable = enable;
      };
    };

    programs = mkOption {
      default = { };
      type = openSubmodule {
        ssh = mkOption {
          default = { };
          type = openSubmodule {
            knownHosts = option (types.attrsOf knownHostType) { };
            extraConfig = option types.lines "";
          };
        };
      };
    };

    services = mkOption {
      default = { };
      type = openSubmodule {
        userborn.enable = enable;
        openssh = mkOption {
          default = { };
          type = openSubmodule {
            enable = enable;
            openFirewall = option types.bool true;
            settings = option (types.attrsOf types.anything) { };
            hostKeys = option (types.listOf (types.attrsOf types.anything)) [
              {
                type = "rsa";
                bits = 4096;
                path = "/etc/ssh/ssh_host_rsa_key";
              }
              {
                type = "ed25519";
                path = "/etc/ssh/ssh_host_ed25519_key";
              }
            ];
          };
        };
        restic.backups = option (types.attrsOf resticBackupType) { };
        forgejo = mkOption {
          default = { };
          type = openSubmodule {
            enable = enable;
            user = option types.str "forgejo";
            group = option types.str "forgejo";
            stateDir = option types.str "/var/lib/forgejo";
            database = option (openSubmodule {
              path = option types.str "${config.services.forgejo.stateDir}/data/forgejo.db";
            }) { };
          };
        };
        jellyfin = stateService "jellyfin" "dataDir" "/var/lib/jellyfin";
        grafana = stateService "grafana" "dataDir" "/var/lib/grafana";
        prometheus = mkOption {
          default = { };
          type = openSubmodule {
            enable = enable;
            stateDir = option types.str "prometheus2";
            port = option types.port 9090;
            exporters = option (types.attrsOf (types.attrsOf types.anything)) { };
          };
        };
      };
    };
  };
}
