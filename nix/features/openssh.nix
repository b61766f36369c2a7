# nix/features/openssh.nix: sshd hardened to keys only, and every host's public key trusted by every other host.
# The host key itself (its path, and its second life as the sops key) is set in nix/modules/secrets.nix.
{ config, lib, ... }:
let
  cfg = config.deck.features.openssh;

  # hosts/<name>/ssh_host_ed25519_key.pub, committed for each machine of this flake.
  hostsDir = ../../hosts;
  hostsWithKeys = lib.filterAttrs (
    name: type: type == "directory" && builtins.pathExists (hostsDir + "/${name}/ssh_host_ed25519_key.pub")
  ) (builtins.readDir hostsDir);
in
{
  options.deck.features.openssh.enable = lib.mkEnableOption "a key-only SSH server";

  config = lib.mkIf cfg.enable {
    services.openssh = {
      enable = true;
      openFirewall = true;
      settings = {
        PasswordAuthentication = false;
        KbdInteractiveAuthentication = false;
        # Deploys log in as root, with a key; a password never opens root (it has none, see nix/users).
        PermitRootLogin = "prohibit-password";
        X11Forwarding = false;
      };
    };

    programs.ssh.knownHosts = lib.mapAttrs (name: _: {
      hostNames = [ name ];
      publicKeyFile = hostsDir + "/${name}/ssh_host_ed25519_key.pub";
    }) hostsWithKeys;
  };
}
