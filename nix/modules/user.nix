# nix/modules/user.nix: who the primary user of a host is (set by nix/lib/mk-host.nix).
{ lib, ... }:
{
  options.deck.user = lib.mkOption {
    type = lib.types.str;
    example = "alice";
    description = ''
      The primary user: the account that carries the home-manager environment of nix/home and whose home
      receives the deck.persist.home entries.
    '';
  };
}
