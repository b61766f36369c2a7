# nix/features/vaultwarden.nix: Vaultwarden (Bitwarden-compatible password manager) behind nginx with TLS.
# Browsers only run the web vault's crypto over HTTPS, hence a real certificate even on the LAN (acme's DNS-01).
{ config, lib, ... }:
let
  cfg = config.deck.features.vaultwarden;
  port = 8222;
in
{
  options.deck.features.vaultwarden = {
    enable = lib.mkEnableOption "the Vaultwarden password manager";
    domain = lib.mkOption {
      type = lib.types.str;
      example = "vault.home.example.org";
      description = "Domain Vaultwarden is served on.";
    };
  };

  config = lib.mkIf cfg.enable {
    deck.features.nginx.enable = true;

    # The token that opens /admin (invitations, settings).
    sops.secrets."vaultwarden/admin-token".restartUnits = [ "vaultwarden.service" ];
    sops.templates."vaultwarden.env" = {
      content = ''
        ADMIN_TOKEN=${config.sops.placeholder."vaultwarden/admin-token"}
      '';
      owner = "vaultwarden";
    };

    services.vaultwarden = {
      enable = true;
      environmentFile = config.sops.templates."vaultwarden.env".path;
      config = {
        DOMAIN = "https://${cfg.domain}";
        SIGNUPS_ALLOWED = false;
        ROCKET_ADDRESS = "127.0.0.1";
        ROCKET_PORT = port;
      };
    };

    services.nginx.virtualHosts.${cfg.domain} = {
      enableACME = true;
      acmeRoot = config.deck.features.acme.acmeRoot;
      forceSSL = true;
      locations."/" = {
        proxyPass = "http://127.0.0.1:${toString port}";
        proxyWebsockets = true;
      };
    };

    deck.features.backup.sqlite = [ "/var/lib/vaultwarden/db.sqlite3" ];

    # The vault database, attachments and the server's RSA key (state version >= 24.11 keeps them here).
    deck.persist.system.directories = [
      {
        directory = "/var/lib/vaultwarden";
        user = "vaultwarden";
        group = "vaultwarden";
        mode = "0700";
      }
    ];
  };
}
