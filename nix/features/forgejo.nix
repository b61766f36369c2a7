# nix/features/forgejo.nix: a small git forge (Forgejo) behind nginx, git over the host's sshd.
{ config, lib, ... }:
let
  cfg = config.deck.features.forgejo;
  forgejo = config.services.forgejo;
  port = 3000;
in
{
  options.deck.features.forgejo = {
    enable = lib.mkEnableOption "the Forgejo git forge";
    domain = lib.mkOption {
      type = lib.types.str;
      example = "git.example.org";
      description = "Domain Forgejo is served on.";
    };
  };

  config = lib.mkIf cfg.enable {
    deck.features.nginx.enable = true;

    services.forgejo = {
      enable = true;
      database.type = "sqlite3";
      lfs.enable = true;
      settings = {
        server = {
          DOMAIN = cfg.domain;
          ROOT_URL = "https://${cfg.domain}/";
          HTTP_ADDR = "127.0.0.1";
          HTTP_PORT = port;
        };
        # A personal forge: accounts are made by the admin (`forgejo admin user create`), not by visitors.
        service.DISABLE_REGISTRATION = true;
        session.COOKIE_SECURE = true;
      };
    };

    services.nginx.virtualHosts.${cfg.domain} = {
      enableACME = true;
      acmeRoot = config.deck.features.acme.acmeRoot;
      forceSSL = true;
      locations."/".proxyPass = "http://127.0.0.1:${toString port}";
      extraConfig = ''
        client_max_body_size 512M;
      '';
    };

    # Its database is copied consistently before each backup (nixpkgs' default path, under stateDir).
    deck.features.backup.sqlite = [ forgejo.database.path ];

    # Repositories, LFS objects, the sqlite database, and the secrets Forgejo generates on first start.
    deck.persist.system.directories = [
      {
        directory = forgejo.stateDir;
        inherit (forgejo) user group;
        mode = "0750";
      }
    ];
  };
}
