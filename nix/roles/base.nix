# nix/roles/base.nix: what every machine of the flake has. On unless a host says otherwise.
{ config, lib, ... }:
let
  inherit (lib) mkDefault;
in
{
  options.deck.roles.base.enable = lib.mkOption {
    type = lib.types.bool;
    default = true;
    description = "The baseline of every host: Nix settings, a key-only sshd, a firewall.";
  };

  config = lib.mkIf config.deck.roles.base.enable {
    deck.features.nix.enable = mkDefault true;
    deck.features.openssh.enable = mkDefault true;

    networking.firewall.enable = true;

    # The flake's backup server: every host's restic repository lives there, reached over sftp with the host's own
    # key (restic/ssh-key in its sops file). Replace both with your server's name and its `ssh-keyscan` line.
    deck.features.backup.sftp = {
      host = mkDefault "backup.example.org";
      hostKey = mkDefault "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPYpjrFpJy6VWPTvYiwSDHUFhj3qQJkOgez8XM70tnjA";
    };
    i18n.defaultLocale = mkDefault "en_US.UTF-8";
  };
}
