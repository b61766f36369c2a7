# nix/users/alice.nix: alice on every host: her account, her password from sops, her home-manager environment.
{ config, pkgs, ... }:
let
  passwordHash = config.sops.secrets."user/alice/password-hash";
in
{
  # Accounts come from this configuration only: a password set with `passwd` would be reset at the next switch,
  # and the hash below is the only way in at the console.
  users.mutableUsers = false;

  # Decrypted before the users are created (into /run/secrets-for-users), because the account is created with it.
  sops.secrets."user/alice/password-hash" = {
    sopsFile = ../../secrets/common.yaml;
    neededForUsers = true;
  };

  users.users.alice = {
    isNormalUser = true;
    description = "Alice";
    extraGroups = [ "wheel" ];
    shell = pkgs.zsh;
    hashedPasswordFile = passwordHash.path;
    openssh.authorizedKeys.keyFiles = [ ./alice.authorized_keys ];
  };
  programs.zsh.enable = true;

  # alice administers every host, so her key also opens root, which deploys may log in as
  # (deck.deploy.targetUser). root has no password at all ("!"): no console or su login, keys only.
  users.users.root = {
    hashedPassword = "!";
    openssh.authorizedKeys.keyFiles = [ ./alice.authorized_keys ];
  };

  home-manager.users.alice.imports = [ ../home ];
}
