# tests/flake/stand-in/nixos-hardware.nix: nixos-hardware's modules, stood in (no snapshot, no network). The ones the
# flake imports exist, as empty modules: what they set is nixpkgs' hardware options, free-form in the stand-in tree.
{
  lenovo-thinkpad-t14-intel-gen1 = { };
}
