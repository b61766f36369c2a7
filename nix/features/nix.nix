# nix/features/nix.nix: Nix itself: flakes, store upkeep, and (where flakes are updated) the GitHub token that
# lifts API rate limits.
{ config, lib, ... }:
let
  cfg = config.deck.features.nix;
  tokens = config.sops.secrets."nix/access-tokens";
in
{
  options.deck.features.nix = {
    enable = lib.mkEnableOption "the project's Nix settings";
    githubToken = lib.mkEnableOption ''
      the GitHub API token (sops secret nix/access-tokens in the host's own file), for machines where flakes are
      evaluated and updated (the workstations); servers built from the operator's machine do not need it
    '';
  };

  config = lib.mkIf cfg.enable (lib.mkMerge [ {
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

  }

  (lib.mkIf cfg.githubToken {
    # A line `access-tokens = github.com=…` kept out of the store. `!include` tolerates the file being absent
    # (first boot before secrets exist). Readable by wheel so that users' own nix commands get it too.
    sops.secrets."nix/access-tokens" = {
      mode = "0440";
      group = "wheel";
    };
    nix.extraOptions = ''
      !include ${tokens.path}
    '';
  })
  ]);
}
