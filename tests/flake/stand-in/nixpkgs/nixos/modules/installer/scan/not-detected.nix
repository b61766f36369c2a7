# Stand-in for nixpkgs' installer/scan/not-detected.nix (imported by nixos-generate-config's output): upstream it
# only enables redistributable firmware.
{ lib, ... }:
{
  hardware.enableRedistributableFirmware = lib.mkDefault true;
}
