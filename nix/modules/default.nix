# nix/modules: option-declaring infrastructure every host carries (the `deck` option namespace).
{
  imports = [
    ./deploy.nix
    ./persist.nix
    ./secrets.nix
    ./user.nix
  ];
}
