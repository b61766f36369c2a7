# nix/features/pipewire.nix: audio: PipeWire with its PulseAudio and ALSA front ends.
{ config, lib, ... }:
let
  cfg = config.deck.features.pipewire;
in
{
  options.deck.features.pipewire.enable = lib.mkEnableOption "PipeWire audio";

  config = lib.mkIf cfg.enable {
    services.pulseaudio.enable = false;
    security.rtkit.enable = true;
    services.pipewire = {
      enable = true;
      alsa.enable = true;
      pulse.enable = true;
      wireplumber.enable = true;
    };

    # WirePlumber's memory: volumes, the default output and input, per-device profiles.
    deck.persist.home.directories = [ ".local/state/wireplumber" ];
  };
}
