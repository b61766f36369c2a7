# nix/modules/deploy.nix: how a host is reached for deploys. The app reads config.deck.deploy by evaluation.
{ config, lib, ... }:
let
  cfg = config.deck.deploy;
  inherit (lib) mkOption types;
in
{
  options.deck.deploy = {
    targetHost = mkOption {
      type = types.str;
      default = config.networking.hostName;
      defaultText = lib.literalExpression "config.networking.hostName";
      example = "vps.example.org";
      description = "Address (DNS name or IP) to reach the host over SSH.";
    };

    targetUser = mkOption {
      type = types.str;
      default = "root";
      description = "User to log in as over SSH.";
    };

    targetPort = mkOption {
      type = types.port;
      default = 22;
      description = "SSH port of targetHost.";
    };

    buildOn = mkOption {
      type = types.enum [
        "local"
        "remote"
      ];
      default = "local";
      description = ''
        Where the system closure is built: "local" builds on the operator's machine and copies the result,
        "remote" copies the derivations and builds on the target.
      '';
    };

    sudo = mkOption {
      type = types.bool;
      default = cfg.targetUser != "root";
      defaultText = lib.literalExpression ''config.deck.deploy.targetUser != "root"'';
      description = "Whether activation runs through sudo (needed unless targetUser is root).";
    };
  };

  config = {
    # A non-root deploy user copies unsigned store paths with `nix copy`, which the daemon accepts only from
    # trusted users.
    nix.settings.trusted-users = lib.mkIf (cfg.targetUser != "root") [
      "root"
      cfg.targetUser
    ];

    warnings = lib.optional (cfg.targetUser != "root" && !cfg.sudo) ''
      deck.deploy: targetUser is "${cfg.targetUser}" and sudo is off, so switch-to-configuration cannot run.
    '';
  };
}
