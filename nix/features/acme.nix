# nix/features/acme.nix: Let's Encrypt certificates: the ACME account, and the DNS-01 credentials of hosts that
# the internet cannot reach.
{ config, lib, ... }:
let
  cfg = config.deck.features.acme;
  dns01 = cfg.dnsProvider != null;
in
{
  options.deck.features.acme = {
    enable = lib.mkEnableOption "ACME (Let's Encrypt) certificates";

    email = lib.mkOption {
      type = lib.types.str;
      example = "admin@example.org";
      description = "Contact address of the ACME account (expiry warnings).";
    };

    dnsProvider = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "cloudflare";
      description = ''
        lego DNS provider for the DNS-01 challenge, for hosts not reachable from the internet. null: HTTP-01,
        answered by nginx on port 80. The provider's API token is the sops secret acme/dns-api-token.
      '';
    };

    dnsTokenVariable = lib.mkOption {
      type = lib.types.str;
      default = "CLOUDFLARE_DNS_API_TOKEN";
      description = "Environment variable lego's DNS provider reads its API token from.";
    };

    acmeRoot = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      readOnly = true;
      default = if dns01 then null else "/var/lib/acme/acme-challenge";
      description = ''
        Value for services.nginx.virtualHosts.<name>.acmeRoot in the features that add a virtual host: nginx
        forces HTTP-01 on any vhost with a webroot, so DNS-01 hosts must clear it.
      '';
    };
  };

  config = lib.mkIf cfg.enable (
    lib.mkMerge [
      {
        security.acme = {
          acceptTerms = true;
          defaults.email = cfg.email;
        };

        # Account key and certificates. Losing them at each reboot would re-register and re-issue every time,
        # and soon hit Let's Encrypt's rate limits.
        deck.persist.system.directories = [
          {
            directory = "/var/lib/acme";
            user = "acme";
            group = "acme";
            mode = "0755";
          }
        ];
      }

      (lib.mkIf dns01 {
        # Handed to lego through systemd credentials (read as root), so it needs no owner.
        sops.secrets."acme/dns-api-token" = { };
        security.acme.defaults = {
          inherit (cfg) dnsProvider;
          credentialFiles."${cfg.dnsTokenVariable}_FILE" = config.sops.secrets."acme/dns-api-token".path;
        };
      })
    ]
  );
}
