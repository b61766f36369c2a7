# nix/home/shell.nix: zsh with a prompt, and a history that survives reboots.
{ config, ... }:
{
  programs.zsh = {
    enable = true;
    autosuggestion.enable = true;
    syntaxHighlighting.enable = true;
    history = {
      path = "${config.xdg.dataHome}/zsh/history";
      size = 50000;
      save = 50000;
      ignoreDups = true;
      share = true;
    };
    shellAliases = {
      ll = "eza -l --git";
      la = "eza -la --git";
      rebuild = "nixos-rebuild switch --sudo --flake ~/src/flakedeck";
    };
  };

  programs.starship.enable = true;

  # zsh saves its history by writing a new file and renaming it over the old one, which a bind-mounted single
  # file does not survive: persist the directory.
  deck.persist.home.directories = [ ".local/share/zsh" ];
}
