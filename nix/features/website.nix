# nix/features/website.nix: the personal site: static files served by nginx over HTTPS.
{ config, lib, ... }:
let
  cfg = config.deck.features.website;
in
{
  options.deck.features.website = {
    enable = lib.mkEnableOption "the personal static website";
    domain = lib.mkOption {
      type = lib.types.str;
      example = "example.org";
      description = "Domain of the site; www.<domain> is served too.";
    };
    root = lib.mkOption {
      type = lib.types.path;
      description = "Directory with the site's files (copied to the store: the site is part of the system).";
    };
  };

  config = lib.mkIf cfg.enable {
    deck.features.nginx.enable = true;

    services.nginx.virtualHosts.${cfg.domain} = {
      serverAliases = [ "www.${cfg.domain}" ];
      enableACME = true;
      acmeRoot = config.deck.features.acme.acmeRoot;
      forceSSL = true;
      inherit (cfg) root;
    };
  };
}
