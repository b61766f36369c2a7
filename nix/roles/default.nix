# nix/roles: bundles of features for a kind of machine. A role only switches things on with mkDefault, so a host
# can still turn any single feature off.
{
  imports = [
    ./base.nix
    ./laptop.nix
    ./server.nix
    ./workstation.nix
  ];
}
