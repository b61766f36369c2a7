# nix/home: alice's user environment, the one home-manager configuration applied on every host.
# Shell, git, editor and command-line tools; graphical programs come with the NixOS features that need them.
{
  imports = [
    ./cli.nix
    ./editor.nix
    ./flakedeck.nix
    ./git.nix
    ./shell.nix
  ];

  home.stateVersion = "26.05";

  # Her own files. Per-program state is declared next to each program, in the files imported above.
  deck.persist.home.directories = [
    "Documents"
    "Downloads"
    "Music"
    "Pictures"
    "Videos"
    "src"
    {
      directory = ".ssh";
      mode = "0700";
    }
    {
      directory = ".gnupg";
      mode = "0700";
    }
  ];
}
