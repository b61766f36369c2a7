# nix/home/git.nix: git identity and defaults.
{
  programs.git = {
    enable = true;
    settings = {
      user = {
        name = "Alice Example";
        email = "alice@example.org";
      };
      init.defaultBranch = "main";
      pull.rebase = true;
      push.autoSetupRemote = true;
      rerere.enabled = true;
      alias = {
        st = "status --short --branch";
        lg = "log --oneline --graph --decorate";
      };
    };
    ignores = [
      ".direnv"
      "result"
      "result-*"
    ];
  };
}
