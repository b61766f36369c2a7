# nix/features/monitoring.nix: Prometheus scraping the host's node exporter and probing the flake's public services
# from outside, and Grafana to look at it, served over HTTPS by nginx (Grafana itself listens on loopback only).
{ config, lib, ... }:
let
  cfg = config.deck.features.monitoring;
  prometheus = config.services.prometheus;
  grafana = config.services.grafana;
  secret = name: config.sops.secrets."grafana/${name}".path;
  blackboxPort = 9115;
in
{
  options.deck.features.monitoring = {
    enable = lib.mkEnableOption "Prometheus and Grafana";
    domain = lib.mkOption {
      type = lib.types.str;
      example = "grafana.home.example.org";
      description = "Domain Grafana is served on, over HTTPS by nginx with an ACME certificate.";
    };
    grafanaPort = lib.mkOption {
      type = lib.types.port;
      default = 3000;
      description = "Loopback port of Grafana, behind nginx (Prometheus stays on loopback too).";
    };
    probes = {
      http = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        example = [ "https://example.org" ];
        description = "URLs probed from here (up, answering 2xx, certificate valid): other hosts' public services.";
      };
      tcp = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        example = [ "vps.example.org:22" ];
        description = "host:port pairs probed from here for an open TCP port (sshd of another host, say).";
      };
    };
  };

  config = lib.mkIf cfg.enable {
    deck.features.nginx.enable = true;

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
      # Probes hosts from the outside, as their users reach them: a host that is down cannot report itself.
      exporters.blackbox = {
        enable = true;
        listenAddress = "127.0.0.1";
        port = blackboxPort;
        configFile = builtins.toFile "blackbox.json" (
          builtins.toJSON {
            modules = {
              http_2xx = {
                prober = "http";
                http.fail_if_not_ssl = true;
              };
              tcp_connect.prober = "tcp";
            };
          }
        );
      };
      scrapeConfigs = [
        {
          job_name = "node";
          static_configs = [ { targets = [ "127.0.0.1:${toString prometheus.exporters.node.port}" ]; } ];
        }
      ]
      ++ lib.mapAttrsToList
        (module: targets: {
          job_name = "probe-${module}";
          metrics_path = "/probe";
          params.module = [ module ];
          static_configs = [ { inherit targets; } ];
          relabel_configs = [
            {
              source_labels = [ "__address__" ];
              target_label = "__param_target";
            }
            {
              source_labels = [ "__param_target" ];
              target_label = "instance";
            }
            {
              target_label = "__address__";
              replacement = "127.0.0.1:${toString blackboxPort}";
            }
          ];
        })
        (
          lib.filterAttrs (_: targets: targets != [ ]) {
            http_2xx = cfg.probes.http;
            tcp_connect = cfg.probes.tcp;
          }
        );
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
          http_addr = "127.0.0.1";
          http_port = cfg.grafanaPort;
          domain = cfg.domain;
          root_url = "https://${cfg.domain}/";
        };
        security = {
          admin_user = "admin";
          admin_password = "$__file{${secret "admin-password"}}";
          secret_key = "$__file{${secret "secret-key"}}";
          cookie_secure = true;
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

    services.nginx.virtualHosts.${cfg.domain} = {
      enableACME = true;
      acmeRoot = config.deck.features.acme.acmeRoot;
      forceSSL = true;
      locations."/" = {
        proxyPass = "http://127.0.0.1:${toString cfg.grafanaPort}";
        proxyWebsockets = true;
      };
    };

    # Dashboards, users and annotations live in grafana.db: copied consistently before each backup.
    deck.features.backup.sqlite = [ "${grafana.dataDir}/data/grafana.db" ];

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
