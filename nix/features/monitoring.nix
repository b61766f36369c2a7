# nix/features/monitoring.nix: Prometheus scraping the host's node exporter, and Grafana on the LAN to look at it.
{ config, lib, ... }:
let
  cfg = config.deck.features.monitoring;
  prometheus = config.services.prometheus;
  grafana = config.services.grafana;
  secret = name: config.sops.secrets."grafana/${name}".path;
in
{
  options.deck.features.monitoring = {
    enable = lib.mkEnableOption "Prometheus and Grafana";
    grafanaPort = lib.mkOption {
      type = lib.types.port;
      default = 3000;
      description = "LAN port of Grafana (Prometheus itself stays on loopback).";
    };
  };

  config = lib.mkIf cfg.enable {
    services.prometheus = {
      enable = true;
      listenAddress = "127.0.0.1";
      port = 9090;
      retentionTime = "90d";
      exporters.node = {
        enable = true;
        listenAddress = "127.0.0.1";
        port = 9100;
        enabledCollectors = [ "systemd" ];
      };
      scrapeConfigs = [
        {
          job_name = "node";
          static_configs = [ { targets = [ "127.0.0.1:${toString prometheus.exporters.node.port}" ]; } ];
        }
      ];
    };

    sops.secrets."grafana/admin-password" = {
      owner = "grafana";
      restartUnits = [ "grafana.service" ];
    };
    # Encrypts data-source credentials in Grafana's database; 26.05 dropped the insecure built-in default.
    sops.secrets."grafana/secret-key" = {
      owner = "grafana";
      restartUnits = [ "grafana.service" ];
    };

    services.grafana = {
      enable = true;
      settings = {
        server = {
          http_addr = "0.0.0.0";
          http_port = cfg.grafanaPort;
        };
        security = {
          admin_user = "admin";
          admin_password = "$__file{${secret "admin-password"}}";
          secret_key = "$__file{${secret "secret-key"}}";
        };
        analytics.reporting_enabled = false;
      };
      provision.enable = true;
      provision.datasources.settings.datasources = [
        {
          name = "Prometheus";
          type = "prometheus";
          url = "http://127.0.0.1:${toString prometheus.port}";
          isDefault = true;
        }
      ];
    };

    networking.firewall.allowedTCPPorts = [ cfg.grafanaPort ];

    deck.persist.system.directories = [
      # The time series database.
      {
        directory = "/var/lib/${prometheus.stateDir}";
        user = "prometheus";
        group = "prometheus";
        mode = "0700";
      }
      # Dashboards, users, annotations (grafana.db).
      {
        directory = grafana.dataDir;
        user = "grafana";
        group = "grafana";
        mode = "0700";
      }
    ];
  };
}
