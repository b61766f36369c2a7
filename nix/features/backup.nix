# nix/features/backup.nix: nightly restic backup of exactly what the host persists.
#
# The persistence lists double as the backup list: what is declared to survive a reboot is what is worth keeping,
# and nothing else is. On an ephemeral root that is the whole persistent volume; on a root kept on disk it is the
# declared paths themselves.
{ config, lib, ... }:
let
  cfg = config.deck.features.backup;
  persist = config.deck.persist;
  home = config.users.users.${config.deck.user}.home;

  pathOf = entry: if builtins.isString entry then entry else entry.directory or entry.file;
  cacheDir = "/var/cache/restic-backups-persist";
in
{
  options.deck.features.backup.enable = lib.mkEnableOption "restic backups of the persisted state";

  config = lib.mkIf cfg.enable {
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
          ++ map (entry: "${home}/${pathOf entry}") (persist.home.directories ++ persist.home.files);
      exclude = [
        "${lib.optionalString persist.enable persist.path}${cacheDir}"
        "${lib.optionalString persist.enable persist.path}/var/log/journal"
      ];
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
  };
}
