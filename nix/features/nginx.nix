# nix/features/nginx.nix: nginx as the TLS front door of the web features (they add their own virtual hosts).
{ config, lib, ... }:
let
  cfg = config.deck.features.nginx;
in
{
  options.deck.features.nginx.enable = lib.mkEnableOption "nginx as a TLS-terminating reverse proxy";

  config = lib.mkIf cfg.enable {
    deck.features.acme.enable = true;

    services.nginx = {
      enable = true;
      recommendedTlsSettings = true;
      recommendedOptimisation = true;
      recommendedGzipSettings = true;
      recommendedProxySettings = true;
    };

    # 80 for HTTP-01 challenges and the redirect to HTTPS, 443 for everything else.
    networking.firewall.allowedTCPPorts = [
      80
      443
    ];
  };
}
