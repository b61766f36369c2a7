# nix/disko/parts.nix: the partition contents the hosts' disk layouts share, so each layout names only what differs.
{
  # The EFI system partition, mounted at /boot and readable by root only.
  esp = {
    size = "1G";
    type = "EF00";
    content = {
      type = "filesystem";
      format = "vfat";
      mountpoint = "/boot";
      mountOptions = [
        "fmask=0077"
        "dmask=0077"
      ];
    };
  };

  # btrfs with the two subvolumes an ephemeral root needs: `nix` (the store) and `persist` (what survives a reboot).
  nixAndPersist = {
    type = "btrfs";
    extraArgs = [ "-f" ];
    subvolumes =
      let
        subvolume = mountpoint: {
          inherit mountpoint;
          mountOptions = [
            "compress=zstd"
            "noatime"
          ];
        };
      in
      {
        nix = subvolume "/nix";
        persist = subvolume "/persist";
      };
  };
}
