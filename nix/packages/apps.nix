# nix/packages/apps.nix: `nix run .` opens Flakedeck on the flake of the folder it is run in (this repository, in
# its checkout); `nix run . -- --hidden` starts it in the tray.
{ flakedeck, ... }:
{
  default = {
    type = "app";
    program = "${flakedeck}/bin/${flakedeck.meta.mainProgram}";
    meta.description = "Open Flakedeck on this flake";
  };
}
