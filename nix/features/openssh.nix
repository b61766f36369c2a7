# nix/features/openssh.nix: sshd hardened to keys only, and every host's public key trusted by every other host.
# The host key itself (its path, and its second life as the sops key) is set in nix/modules/secrets.nix.
{
  config,
  lib,
  inputs,
  ...
}:
let
  cfg = config.deck.features.openssh;

  # hosts/<name>/ssh_host_ed25519_key.pub, committed for each machine of this flake.
  hostsDir = ../../hosts;
  hostsWithKeys = lib.filterAttrs (
    name: type: type == "directory" && builtins.pathExists (hostsDir + "/${name}/ssh_host_ed25519_key.pub")
  ) (builtins.readDir hostsDir);

  # `[address]:port` is how ssh looks a host up when it is reached on another port than 22.
  reachedAs =
    name:
    let
      deploy = inputs.self.nixosConfigurations.${name}.config.deck.deploy;
    in
    if deploy.targetPort == 22 then deploy.targetHost else "[${deploy.targetHost}]:${toString deploy.targetPort}";
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

    # Under every name it is reached by: its host name, and the address deploys use (deck.deploy.targetHost, an
    # FQDN such as vps.example.org), read from that host's own configuration in this flake.
    programs.ssh.knownHosts = lib.mapAttrs (name: _: {
      hostNames = lib.unique (
        [ name ] ++ lib.optional (inputs.self.nixosConfigurations ? ${name}) (reachedAs name)
      );
      publicKeyFile = hostsDir + "/${name}/ssh_host_ed25519_key.pub";
    }) hostsWithKeys;
  };
}
