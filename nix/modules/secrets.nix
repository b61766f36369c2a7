# nix/modules/secrets.nix: the host's identity and how sops-nix decrypts with it.
#
# One SSH ed25519 host key per machine is both its sshd identity and its sops key: .sops.yaml encrypts
# secrets/<host>.yaml and secrets/common.yaml to the ssh-to-age conversion of hosts/<host>/ssh_host_ed25519_key.pub,
# and sops-nix converts the private half the same way at activation. Each secret is declared (sops.secrets.<name>)
# in the feature that uses it; this file only says where the files and the key are.
{
  config,
  lib,
  ...
}:
let
  # [Note: persist before sops]
  # sops-nix decrypts during activation, and secrets marked neededForUsers before the users exist. That runs early
  # in stage 2, before impermanence has bind-mounted or linked anything from /persist, so a key at
  # /etc/ssh/ssh_host_ed25519_key would not be there yet on a tmpfs root. The key is therefore addressed at its
  # persistent path and never goes through deck.persist; sshd reads it from there too (and creates it there on
  # first boot). Hosts with a root on disk keep the usual /etc/ssh path.
  hostKeyDir = lib.optionalString config.deck.persist.enable config.deck.persist.path + "/etc/ssh";
in
{
  services.openssh.hostKeys = [
    {
      path = "${hostKeyDir}/ssh_host_ed25519_key";
      type = "ed25519";
    }
  ];

  sops = {
    defaultSopsFile = ../../secrets + "/${config.networking.hostName}.yaml";
    # The same key as sshd's, per [Note: persist before sops]; written out rather than left to sops-nix's default
    # (which derives it from services.openssh.hostKeys only while sshd is enabled).
    age.sshKeyPaths = map (key: key.path) (
      builtins.filter (key: key.type == "ed25519") config.services.openssh.hostKeys
    );
    # No separate age key file on the hosts: the host key is the only machine secret to provision.
    age.keyFile = null;
    gnupg.sshKeyPaths = [ ];
  };
}
