# nix/features/nix.nix: Nix itself: flakes, store upkeep, and the GitHub token that lifts API rate limits.
{ config, lib, ... }:
let
  cfg = config.deck.features.nix;
  tokens = config.sops.secrets."nix/access-tokens";
in
{
  options.deck.features.nix.enable = lib.mkEnableOption "the project's Nix settings";

  config = lib.mkIf cfg.enable {
    nix.settings = {
      experimental-features = [
        "nix-command"
        "flakes"
      ];
      trusted-users = [
        "root"
        "@wheel"
      ];
      auto-optimise-store = true;
    };

    nix.gc = {
      automatic = true;
      dates = "weekly";
      options = "--delete-older-than 30d";
    };

    # Opinionated: flakes only, no channels to drift from the lock file.
    nix.channel.enable = false;

    # A line `access-tokens = github.com=…` kept out of the store. `!include` tolerates the file being absent
    # (first boot before secrets exist). Readable by wheel so that users' own nix commands get it too.
    sops.secrets."nix/access-tokens" = {
      sopsFile = ../../secrets/common.yaml;
      mode = "0440";
      group = "wheel";
    };
    nix.extraOptions = ''
      !include ${tokens.path}
    '';
  };
}
