# nix/home/flakedeck.nix: Flakedeck, the control center of this flake, installed for the user and started hidden in
# the tray at login.
#
# Started by an XDG autostart entry rather than a systemd user service: the desktop session runs autostart entries
# once it is up, with its environment (the Wayland display, the session bus) and after gnome-keyring has been
# unlocked at login, which the app needs for the age key it keeps there. GNOME's Settings lists the entry, so the
# user can turn it off there; and quitting from the tray stays quit, where a unit with Restart= would fight the
# user. The app keeps one instance: a second launch only brings its window up.
{
  config,
  lib,
  inputs,
  pkgs,
  ...
}:
let
  cfg = config.programs.flakedeck;

  # An argument of a desktop entry's Exec key, quoted as the Desktop Entry Specification asks.
  execArg =
    arg:
    let
      escaped = lib.replaceStrings [ "%" ] [ "%%" ] arg;
    in
    if builtins.match "[A-Za-z0-9_./=:+@-]+" arg != null then
      escaped
    else
      ''"${lib.replaceStrings [ "\\" "\"" "`" "$" ] [ "\\\\" "\\\"" "\\`" "\\$" ] escaped}"'';

  args = [
    (lib.getExe cfg.package)
    "--hidden"
  ]
  ++ lib.optional (cfg.flake != null) "--flake=${cfg.flake}";
in
{
  options.programs.flakedeck = {
    enable = lib.mkEnableOption "Flakedeck, the desktop control center for this NixOS flake";

    package = lib.mkOption {
      type = lib.types.package;
      default = inputs.self.packages.${pkgs.stdenv.hostPlatform.system}.flakedeck;
      defaultText = lib.literalExpression "inputs.self.packages.\${system}.flakedeck";
      description = "The Flakedeck package (this flake's own).";
    };

    flake = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "/home/alice/src/flakedeck";
      description = ''
        Folder of the flake the app opens (passed as `--flake=PATH`). null: the app's last choice, or its own
        flake.
      '';
    };

    autostart = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Whether the app starts hidden in the tray at login (an XDG autostart entry).";
    };
  };

  config = lib.mkIf cfg.enable {
    home.packages = [ cfg.package ];

    xdg.configFile."autostart/flakedeck.desktop" = lib.mkIf cfg.autostart {
      text = ''
        [Desktop Entry]
        Type=Application
        Name=Flakedeck
        Comment=Start Flakedeck in the tray
        Exec=${lib.concatMapStringsSep " " execArg args}
        Icon=flakedeck
        Terminal=false
        X-GNOME-Autostart-enabled=true
      '';
    };

    # The window size and the app's database (run history, cached manifests) live here.
    deck.persist.home.directories = [ ".config/Flakedeck" ];
  };
}
