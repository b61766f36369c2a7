#!@shell@
# flakedeck: with a command (hosts, inspect, deploy, …) or --help / --version, the command line; with none, or with
# the app's own flags (--hidden, --flake=PATH, Electron's), the app. Commands are words, the app's flags are not.
case "${1-}" in
  -h | --help | -V | --version | [!-]*) exec @cli@ "$@" ;;
  *) exec @app@ "$@" ;;
esac
