# nix/home/editor.nix: Neovim as the editor everywhere.
{
  programs.neovim = {
    enable = true;
    defaultEditor = true;
    viAlias = true;
    vimAlias = true;
  };

  # shada (marks, registers, command history) and undo files.
  deck.persist.home.directories = [ ".local/state/nvim" ];
}
