# nix/inspect-flake.nix: the flake through which the app evaluates a user's flake, so that one `nix eval` gives both
# the manifests and the hash of the source they were read from.
#
# The app copies this file as flake.nix into a folder of its own and runs
#   nix eval --json <that folder>#inspection --override-input flake <the user's flake> --apply <inspect.nix applied>
# The user's flake is evaluated as nix evaluates any flake input (pure, with its own flake.lock); its narHash and the
# store path nix copied it to come from nix itself, for a dirty git tree as well.
{
  # Always replaced by --override-input; without it nix says that it cannot find the flake "flake".
  inputs.flake = { };

  outputs =
    { self, flake }:
    {
      inspection = {
        inherit (flake) narHash;
        # Not `outPath`: an attribute set with one is printed as that string.
        path = flake.outPath;
        configs = flake.nixosConfigurations or { };
      };
    };
}
