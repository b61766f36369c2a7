# nix/home/cli.nix: the command-line tools alice expects on every machine.
{ pkgs, ... }:
{
  programs = {
    bat.enable = true;
    btop.enable = true;
    eza.enable = true;
    fzf.enable = true;
    jq.enable = true;
    ripgrep.enable = true;
    zoxide.enable = true;
    direnv = {
      enable = true;
      nix-direnv.enable = true;
    };
  };

  home.packages = with pkgs; [
    dnsutils
    fd
    ncdu
    tree
  ];

  deck.persist.home.directories = [
    ".local/share/zoxide" # the ranking of visited directories behind `z`
    ".local/share/direnv" # which .envrc files alice has allowed to run
  ];
}
