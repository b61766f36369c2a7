# nix/features/gnome.nix: the graphical session: GNOME on Wayland with GDM, and Firefox.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.deck.features.gnome;
in
{
  options.deck.features.gnome.enable = lib.mkEnableOption "a GNOME desktop session";

  config = lib.mkIf cfg.enable {
    services.displayManager.gdm.enable = true;
    services.desktopManager.gnome.enable = true;
    programs.firefox.enable = true;

    # GNOME has no tray of its own: the AppIndicator extension shows the icons of tray apps (Flakedeck's among
    # them), switched on for every user unless they turn it off.
    environment.systemPackages = [ pkgs.gnomeExtensions.appindicator ];
    services.udev.packages = [ pkgs.gnome-settings-daemon ];
    programs.dconf.profiles.user.databases = [
      { settings."org/gnome/shell".enabled-extensions = [ "appindicatorsupport@rgcjonas.gmail.com" ]; }
    ];

    # Each user's chosen session and avatar.
    deck.persist.system.directories = [ "/var/lib/AccountsService" ];

    # The display layout (arrangement, scale, primary monitor); mutter rewrites it in place.
    deck.persist.home.files = [ ".config/monitors.xml" ];

    deck.persist.home.directories = [
      # GNOME Online Accounts (their tokens are in the keyring below).
      ".config/goa-1.0"
      # Nautilus' and the file chooser's bookmarks, written by renaming a new file over the old one.
      ".config/gtk-3.0"
      # GNOME settings. dconf replaces its database file by renaming a new one over it, which a bind-mounted
      # single file would not survive, so the whole directory is persisted.
      ".config/dconf"
      # gnome-keyring: saved passwords, including the wifi secrets of per-user connections.
      {
        directory = ".local/share/keyrings";
        mode = "0700";
      }
      {
        directory = ".mozilla";
        mode = "0700";
      }
    ];
  };
}
