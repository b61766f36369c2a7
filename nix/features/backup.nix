# nix/features/backup.nix: nightly restic backup of exactly what the host persists.
#
# The persistence lists double as the backup list: what is declared to survive a reboot is what is worth keeping,
# and nothing else is. On an ephemeral root that is the whole persistent volume; on a root kept on disk it is the
# declared paths themselves.
#
# An sftp: repository is reached with a key of its own (the sops secret restic/ssh-key) and the server's host key
# declared here, so the unit needs nothing from /root (wiped at boot on an ephemeral root) and never trusts a server
# on first use. Live SQLite databases (declared by the features that own them in deck.features.backup.sqlite) are
# copied with SQLite's online backup before restic runs, and the live files are left out: a copy of a database
# file taken while the service writes to it may not open.
{ config, lib, pkgs, ... }:
let
  cfg = config.deck.features.backup;
  persist = config.deck.persist;
  home = config.users.users.${config.deck.user}.home;
  # Where paths are on disk: under /persist on an ephemeral root.
  onDisk = path: "${lib.optionalString persist.enable persist.path}${path}";

  pathOf = entry: if builtins.isString entry then entry else entry.directory or entry.file;
  cacheDir = "/var/cache/restic-backups-persist";
  # Written on disk (not the tmpfs), included in the backup, emptied after each run.
  dumpDir = onDisk "/var/backup/sqlite";
  dumpName = database: lib.replaceStrings [ "/" ] [ "_" ] (lib.removePrefix "/" database);

  sftp = cfg.sftp;
  knownHostName = if sftp.port == 22 then sftp.host else "[${sftp.host}]:${toString sftp.port}";
  sshCommand = lib.concatStringsSep " " [
    "ssh"
    "-i ${config.sops.secrets."restic/ssh-key".path}"
    "-p ${toString sftp.port}"
    "-o IdentitiesOnly=yes"
    "-o StrictHostKeyChecking=yes"
    "-o UserKnownHostsFile=/etc/ssh/ssh_known_hosts"
    "${sftp.user}@${sftp.host}"
    "-s sftp"
  ];
in
{
  options.deck.features.backup = {
    enable = lib.mkEnableOption "restic backups of the persisted state";

    sftp = {
      host = lib.mkOption {
        type = lib.types.nullOr lib.types.str;
        default = null;
        example = "backup.example.org";
        description = ''
          SSH server of the sftp: repository (the restic/repository secret names the same host). Its login key
          is the sops secret restic/ssh-key, its host key `hostKey`. null: the repository is of another kind and
          takes its credentials from the repository URL.
        '';
      };
      user = lib.mkOption {
        type = lib.types.str;
        default = "restic";
        description = "Login on the sftp server.";
      };
      port = lib.mkOption {
        type = lib.types.port;
        default = 22;
        description = "SSH port of the sftp server.";
      };
      hostKey = lib.mkOption {
        type = lib.types.str;
        example = "ssh-ed25519 AAAAC3Nza…";
        description = "The sftp server's public host key (`ssh-keyscan -t ed25519 HOST`), the only one trusted.";
      };
    };

    sqlite = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "/var/lib/grafana/data/grafana.db" ];
      description = ''
        Live SQLite databases: copied consistently (`sqlite3 .backup`) into the backup before each run, their live
        files (with -wal and -shm) excluded. Declared by the feature that owns the database.
      '';
    };
  };

  config = lib.mkIf cfg.enable (
    lib.mkMerge [
      {
        # Both in the host's own file: the repository URL (with its credentials) and the encryption password.
        sops.secrets."restic/repository" = { };
        sops.secrets."restic/password" = { };

        services.restic.backups.persist = {
          initialize = true;
          repositoryFile = config.sops.secrets."restic/repository".path;
          passwordFile = config.sops.secrets."restic/password".path;
          paths =
            if persist.enable then
              [ persist.path ]
            else
              map pathOf (persist.system.directories ++ persist.system.files)
              ++ map (entry: "${home}/${pathOf entry}") (persist.home.directories ++ persist.home.files)
              ++ lib.optional (cfg.sqlite != [ ]) dumpDir;
          exclude = [
            (onDisk cacheDir)
            (onDisk "/var/log/journal")
            # Core dumps: large, and worth nothing on another machine.
            (onDisk "/var/lib/systemd/coredump")
          ]
          ++ lib.concatMap (database: [
            (onDisk database)
            (onDisk "${database}-wal")
            (onDisk "${database}-shm")
            (onDisk "${database}-journal")
          ]) cfg.sqlite;
          backupPrepareCommand = lib.mkIf (cfg.sqlite != [ ]) ''
            set -eu
            install -d -m 0700 ${dumpDir}
            ${lib.concatMapStrings (database: ''
              # sqlite3 would create a database that is not there yet.
              if [ -e ${lib.escapeShellArg database} ]; then
                ${pkgs.sqlite}/bin/sqlite3 ${lib.escapeShellArg database} ".backup '${dumpDir}/${dumpName database}'"
              fi
            '') cfg.sqlite}
          '';
          backupCleanupCommand = lib.mkIf (cfg.sqlite != [ ]) ''
            rm -f ${dumpDir}/*
          '';
          pruneOpts = [
            "--keep-daily 7"
            "--keep-weekly 5"
            "--keep-monthly 12"
          ];
          timerConfig = {
            OnCalendar = "daily";
            RandomizedDelaySec = "1h";
            Persistent = true;
          };
        };

        # restic's index cache: kept across reboots (rebuilding it means reading the whole repository again, and it
        # would not fit a small tmpfs root), excluded from the backup above.
        deck.persist.system.directories = [ cacheDir ];
      }

      (lib.mkIf (sftp.host != null) {
        sops.secrets."restic/ssh-key" = { };
        services.restic.backups.persist.extraOptions = [ "sftp.command='${sshCommand}'" ];
        programs.ssh.knownHosts."restic-${sftp.host}" = {
          hostNames = [ knownHostName ];
          publicKey = sftp.hostKey;
        };
      })
    ]
  );
}
