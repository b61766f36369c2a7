# nix/inspect.nix: what Flakedeck reads from the hosts of a flake, in one evaluation.
#
# The app passes this file's text to `nix eval --json <flake>#nixosConfigurations --apply <text>`; it maps every
# host to a manifest of picked fields (docs/manifest.md has the schema the app makes of it):
#
#   system, stateVersion, file systems, impermanence's persistent roots with their entries (both forms, users'
#   homes included) and the files that declared them, home-manager users, sops secrets, systemd services with
#   their state directories, known state of common services, the SSH keys each account accepts, and the deploy
#   settings.
#
# Rules, so that it works on any NixOS flake:
# - Never serialise a whole config or a derivation: configs hold functions, and derivations get instantiated.
# - Paths go through toString: serialising a path value copies it into the store.
# - impermanence, home-manager and sops-nix are optional: a host without one gets empty fields, not an error.
#   `try` turns a throw or a failed assertion (a removed option, an undefined default) into a fallback; it cannot
#   catch a type error, which the app handles by evaluating the hosts one by one.
configs:
let
  inherit (builtins)
    attrNames
    attrValues
    concatMap
    filter
    hasAttr
    isAttrs
    isList
    isString
    listToAttrs
    mapAttrs
    tryEval
    ;

  try =
    fallback: value:
    let
      r = tryEval value;
    in
    if r.success then r.value else fallback;
  # The value of a string or path option as a string (a path is not copied into the store), else null.
  str = value: if isString value || builtins.isPath value then toString value else null;
  strOr = fallback: value: try fallback (let s = str value; in if s == null then fallback else s);
  boolOr = fallback: value: try fallback (if builtins.isBool value then value else fallback);
  listOf = value: try [ ] (if isList value then value else [ ]);
  attrsOf = value: try { } (if isAttrs value then value else { });
  strings = value: filter isString (map (v: try null (str v)) (listOf value));
  words = value: if isList value then strings value else filter (w: isString w && w != "") (builtins.split " " (strOr "" value));

  # A definition as written, with mkIf/mkMerge/mkOverride/mkOrder resolved: the list of plain values it stands for.
  contents =
    value:
    if isAttrs value && value ? _type then
      if value._type == "if" then
        (if try false value.condition then contents value.content else [ ])
      else if value._type == "merge" then
        concatMap contents (listOf value.contents)
      else if value._type == "override" || value._type == "order" then
        contents value.content
      else
        [ value ]
    else
      [ value ];
  listContents = value: concatMap (v: if isList v then concatMap contents v else [ ]) (contents value);
  attrContents = value: filter isAttrs (contents value);

  # impermanence entries are strings or attribute sets; `kind` is "directory" or "file".
  entryPath =
    kind: entry:
    if isString entry then entry else strOr "" (entry.${kind} or "");

  normEntry =
    kind: entry:
    if isString entry then
      { path = entry; }
    else
      {
        path = entryPath kind entry;
        user = strOr null (entry.user or null);
        group = strOr null (entry.group or null);
        mode = strOr null (entry.mode or null);
        storage = strOr null (entry.persistentStoragePath or null);
        method = strOr null (entry.method or null);
      }
      // (
        if kind == "file" then
          { parentMode = strOr null ((attrsOf (entry.parentDirectory or { })).mode or null); }
        else
          { hideMount = boolOr null (entry.hideMount or null); }
      );

  # impermanence (2023+) merges users' entries into the root's own lists, marked with their `home`.
  isSystemEntry = entry: isString entry || try null (entry.home or null) == null;

  persistRoot =
    name: root:
    let
      r = attrsOf root;
    in
    {
      enable = boolOr true (r.enable or true);
      storage = strOr name (r.persistentStoragePath or name);
      hideMounts = boolOr false (r.hideMounts or false);
      enableDebugging = boolOr false (r.enableDebugging or false);
      directories = map (normEntry "directory") (filter isSystemEntry (listOf (r.directories or [ ])));
      files = map (normEntry "file") (filter isSystemEntry (listOf (r.files or [ ])));
      users = mapAttrs (_: user: {
        home = strOr null ((attrsOf user).home or null);
        directories = map (normEntry "directory") (listOf ((attrsOf user).directories or [ ]));
        files = map (normEntry "file") (listOf ((attrsOf user).files or [ ]));
      }) (attrsOf (r.users or { }));
    };

  # home-manager's impermanence module: home.persistence.<storage>.{directories,files}, relative to the home.
  homePersistRoot = name: root: {
    storage = name;
    directories = map (normEntry "directory") (listOf ((attrsOf root).directories or [ ]));
    files = map (normEntry "file") (listOf ((attrsOf root).files or [ ]));
  };

  # The files that declared each entry, from the module system's record of definitions (absent in plain attrsets).
  definitions = option: listOf ((attrsOf option).definitionsWithLocations or [ ]);
  # Each entry with where it is written: an attribute set's own `directory`/`file` attribute (file, line and column),
  # else, for a string, the list it is in (`listPos`, where known), in which the app finds the string's own line.
  declared =
    source: kind: user: file: listPos: entries:
    map (
      entry:
      let
        pos = if isAttrs entry then try null (builtins.unsafeGetAttrPos kind entry) else null;
        list = if pos == null then listPos else null;
      in
      {
        inherit source kind user;
        path = entryPath kind entry;
        file = if pos != null then toString pos.file else if list != null then toString list.file else file;
        line = if pos != null then pos.line else null;
        column = if pos != null then pos.column else null;
        listLine = if list != null then list.line else null;
      }
    ) (filter (e: isString e || isAttrs e) entries);
  # Where a list attribute is written, or null (a list made by a function, a JSON file).
  listPosition = name: set: try null (builtins.unsafeGetAttrPos name set);

  persistenceDeclarations =
    options:
    let
      fromRoots = concatMap (
        def:
        let
          file = strOr null (def.file or null);
        in
        concatMap (
          roots:
          concatMap (
            storage:
            concatMap (
              root:
              declared "environment.persistence" "directory" null file (listPosition "directories" root) (
                listContents (root.directories or [ ])
              )
              ++ declared "environment.persistence" "file" null file (listPosition "files" root) (
                listContents (root.files or [ ])
              )
              ++ concatMap (
                user:
                concatMap (
                  u:
                  declared "environment.persistence" "directory" user file (listPosition "directories" u) (
                    listContents (u.directories or [ ])
                  )
                  ++ declared "environment.persistence" "file" user file (listPosition "files" u) (
                    listContents (u.files or [ ])
                  )
                ) (attrContents root.users.${user})
              ) (attrNames (attrsOf (root.users or { })))
            ) (attrContents roots.${storage})
          ) (attrNames roots)
        ) (attrContents def.value)
      ) (definitions ((attrsOf (attrsOf options.environment or { })).persistence or { }));

      # deck.persist (this repository's modules): where each feature declared the state it owns.
      deck = attrsOf ((attrsOf (options.deck or { })).persist or { });
      fromDeck =
        section: kind: user:
        concatMap (
          def: declared "deck.persist.${section}" kind user (strOr null (def.file or null)) null (listContents def.value)
        ) (definitions ((attrsOf (deck.${section} or { })).${if kind == "directory" then "directories" else "files"} or { }));
    in
    try [ ] fromRoots
    ++ try [ ] (fromDeck "system" "directory" null ++ fromDeck "system" "file" null)
    ++ try [ ] (fromDeck "home" "directory" null ++ fromDeck "home" "file" null);

  # `hidden` tells the names whose `enable` option is not shown (an alias of a renamed module, whose value is the new
  # one's): reading it would only repeat the new name, and print a deprecation warning.
  enabledNames =
    hidden: set:
    filter (
      name:
      !(try false (hidden name))
      && try false (
        let
          v = set.${name};
        in
        isAttrs v && (v.enable or false) == true
      )
    ) (attrNames set);

  package =
    p:
    let
      parsed = builtins.parseDrvName (strOr "" (p.name or ""));
    in
    {
      name = strOr parsed.name (p.pname or parsed.name);
      version = strOr parsed.version (p.version or parsed.version);
    };

  homeManagerUser =
    hmOptions: name: hc:
    let
      home = attrsOf (hc.home or { });
      hidden = section: name: (attrsOf ((attrsOf (hmOptions.${section} or { })).${name} or { })).enable.visible or true == false;
    in
    {
      username = strOr name (home.username or name);
      homeDirectory = strOr null (home.homeDirectory or null);
      stateVersion = strOr null (home.stateVersion or null);
      packages = concatMap (
        p:
        let
          r = tryEval (
            let
              info = package p;
            in
            builtins.deepSeq info info
          );
        in
        if r.success && r.value.name != "" then [ r.value ] else [ ]
      ) (listOf (home.packages or [ ]));
      programs = enabledNames (hidden "programs") (attrsOf (hc.programs or { }));
      services = enabledNames (hidden "services") (attrsOf (hc.services or { }));
      files = concatMap (
        name:
        let
          f = attrsOf (home.file or { }).${name};
        in
        if boolOr true (f.enable or true) then [ (strOr name (f.target or name)) ] else [ ]
      ) (attrNames (attrsOf (home.file or { })));
      sessionVariables = mapAttrs (_: v: try null (toString v)) (attrsOf (home.sessionVariables or { }));
      persistence = mapAttrs homePersistRoot (attrsOf (home.persistence or { }));
    };

  secret =
    c: name: s:
    {
      name = strOr name (s.name or name);
      key = strOr name (s.key or name);
      sopsFile = strOr null (s.sopsFile or c.sops.defaultSopsFile or null);
      format = strOr null (s.format or null);
      owner = strOr null (s.owner or null);
      group = strOr null (s.group or null);
      mode = strOr null (s.mode or null);
      path = strOr null (s.path or null);
      restartUnits = strings (s.restartUnits or [ ]);
      reloadUnits = strings (s.reloadUnits or [ ]);
      neededForUsers = boolOr false (s.neededForUsers or false);
    };

  # Enabled systemd services that keep state: StateDirectory (under /var/lib, /var/lib/private with DynamicUser).
  stateServices =
    services:
    concatMap (
      name:
      let
        s = attrsOf services.${name};
        sc = attrsOf (s.serviceConfig or { });
        enabled = boolOr true (s.enable or true);
        dirs = map (d: builtins.head (builtins.split ":" d)) (try [ ] (words (sc.StateDirectory or [ ])));
      in
      if enabled && dirs != [ ] then
        [
          {
            inherit name;
            stateDirectories = dirs;
            dynamicUser = boolOr false (sc.DynamicUser or false);
          }
        ]
      else
        [ ]
    ) (attrNames (attrsOf services));

  # State that common modules keep where a service's StateDirectory does not say so.
  knownState =
    c:
    let
      on = path: try false (builtins.foldl' (v: k: (attrsOf v).${k} or { }) c path == true);
      svc = attrsOf (c.services or { });
      enabledService = name: try false ((attrsOf (svc.${name} or { })).enable or false) == true;
      # services.<name>.{dataDir,stateDir,...}: the option most NixOS service modules use for their state.
      optionDirs = concatMap (
        name:
        let
          s = attrsOf svc.${name};
          dirs = filter (d: d != null) (
            map (option: strOr null (s.${option} or null)) [
              "dataDir"
              "stateDir"
              "dataDirectory"
              "configDir"
            ]
          );
        in
        if enabledService name then
          map (path: {
            service = name;
            inherit path;
            kind = "directory";
            source = "services.${name}";
          }) (filter (d: builtins.substring 0 1 d == "/") dirs)
        else
          [ ]
      ) (attrNames svc);
      fixed =
        service: when: directories: files:
        if when then
          map (path: {
            inherit service path;
            kind = "directory";
            source = "known";
          }) directories
          ++ map (path: {
            inherit service path;
            kind = "file";
            source = "known";
          }) files
        else
          [ ];
      sshHostKeys = map (k: strOr "" ((attrsOf k).path or "")) (listOf (c.services.openssh.hostKeys or [ ]));
    in
    try [ ] optionDirs
    ++ fixed "nixos" true [ "/var/lib/nixos" "/var/lib/systemd" "/var/log" ] [ "/etc/machine-id" ]
    ++ fixed "sshd" (enabledService "openssh") [ ] (try [ ] (filter (p: p != "") sshHostKeys))
    ++ fixed "bluetooth" (on [ "hardware" "bluetooth" "enable" ]) [ "/var/lib/bluetooth" ] [ ]
    ++ fixed "NetworkManager" (on [ "networking" "networkmanager" "enable" ]) [
      "/etc/NetworkManager/system-connections"
      "/var/lib/NetworkManager"
    ] [ ]
    ++ fixed "iwd" (on [ "networking" "wireless" "iwd" "enable" ]) [ "/var/lib/iwd" ] [ ]
    ++ fixed "docker" (on [ "virtualisation" "docker" "enable" ]) [ "/var/lib/docker" ] [ ]
    ++ fixed "podman" (on [ "virtualisation" "podman" "enable" ]) [ "/var/lib/containers" ] [ ]
    ++ fixed "libvirtd" (on [ "virtualisation" "libvirtd" "enable" ]) [ "/var/lib/libvirt" ] [ ]
    ++ fixed "tailscale" (enabledService "tailscale") [ "/var/lib/tailscale" ] [ ]
    ++ fixed "fprintd" (enabledService "fprintd") [ "/var/lib/fprint" ] [ ]
    ++ fixed "cups" (enabledService "printing") [ "/var/lib/cups" ] [ ]
    ++ fixed "colord" (enabledService "colord") [ "/var/lib/colord" ] [ ]
    ++ fixed "upower" (enabledService "upower") [ "/var/lib/upower" ] [ ]
    ++ fixed "fwupd" (enabledService "fwupd") [ "/var/lib/fwupd" ] [ ]
    ++ fixed "flatpak" (enabledService "flatpak") [ "/var/lib/flatpak" ] [ ]
    ++ fixed "acme" (try false (attrsOf (c.security.acme.certs or { }) != { })) [ "/var/lib/acme" ] [ ];

  # Only what the flake declares: a module's own default (deck.deploy's targetPort = 22, say) is not a declaration,
  # so the app leaves that setting to the user's ~/.ssh/config, as ssh, colmena and nixos-rebuild do. Without
  # options to ask (a configuration built by hand), a value that is there counts as declared.
  deploySettings =
    c: o:
    let
      deck = attrsOf ((attrsOf (c.deck or { })).deploy or { });
      deckOptions = attrsOf ((attrsOf (o.deck or { })).deploy or { });
      declared = name: try 0 ((attrsOf (deckOptions.${name} or { })).highestPrio or 0) < 1500;
      deckValue = get: name: if declared name then get (deck.${name} or null) else null;
      colmena = attrsOf (c.deployment or { });
    in
    if deck != { } then
      {
        source = "deck.deploy";
        targetHost = deckValue (strOr null) "targetHost";
        targetUser = deckValue (strOr null) "targetUser";
        targetPort = deckValue (v: try null v) "targetPort";
        buildOn = deckValue (strOr null) "buildOn";
        sudo = deckValue (boolOr null) "sudo";
      }
    else if colmena != { } then
      {
        # colmena's own defaults (targetUser "root", targetPort null) are what colmena does: they count.
        source = "deployment";
        targetHost = strOr null (colmena.targetHost or null);
        targetUser = strOr null (colmena.targetUser or null);
        targetPort = try null (colmena.targetPort or null);
        buildOn = if boolOr false (colmena.buildOnTarget or false) then "remote" else "local";
        sudo = null;
      }
    else
      { source = "default"; };

  inspectHost =
    host:
    let
      c = attrsOf (host.config or { });
      o = attrsOf (host.options or { });
      hmUsers = attrsOf ((attrsOf (c.home-manager or { })).users or { });
      persistence = attrsOf ((attrsOf (c.environment or { })).persistence or { });
      userNames =
        attrNames hmUsers ++ concatMap (root: attrNames (attrsOf ((attrsOf root).users or { }))) (attrValues persistence);
      osUsers = attrsOf ((attrsOf (c.users or { })).users or { });
      # The option declarations of home-manager users (the submodule's), where the host has home-manager.
      hmOptions =
        let
          userType = ((attrsOf (o.home-manager or { })).users or { }).type.nestedTypes.elemType or { };
        in
        if userType ? getSubOptions then try { } (attrsOf (userType.getSubOptions [ ])) else { };
      deckPersist = attrsOf ((attrsOf (c.deck or { })).persist or { });
    in
    {
      hostName = strOr null (c.networking.hostName or null);
      system = strOr null (c.nixpkgs.hostPlatform.system or c.nixpkgs.system or null);
      stateVersion = strOr null (c.system.stateVersion or null);
      fileSystems = mapAttrs (name: fs: {
        mountPoint = strOr name (fs.mountPoint or name);
        fsType = strOr null (fs.fsType or null);
        device = strOr null (fs.device or null);
        options = strings (fs.options or [ ]);
        neededForBoot = boolOr false (fs.neededForBoot or false);
      }) (attrsOf (c.fileSystems or { }));
      tmpOnTmpfs = boolOr false (c.boot.tmp.useTmpfs or c.boot.tmpOnTmpfs or false);
      persistence = mapAttrs persistRoot persistence;
      declarations = try [ ] (persistenceDeclarations o);
      userHomes = listToAttrs (
        map (name: {
          inherit name;
          value = strOr null ((attrsOf (osUsers.${name} or { })).home or null);
        }) (filter (n: hasAttr n osUsers) userNames)
      );
      homeManager = mapAttrs (homeManagerUser hmOptions) hmUsers;
      # The SSH public keys each account accepts (keys and the lines of keyFiles), so the app can flag a host that
      # still lets in a published demo key.
      authorizedKeys = builtins.listToAttrs (
        concatMap (
          name:
          let
            keys = attrsOf ((attrsOf ((attrsOf osUsers.${name}).openssh or { })).authorizedKeys or { });
            lines = strings (keys.keys or [ ]) ++ concatMap (file: try [ ] (filter (line: isString line && line != "") (builtins.split "\n" (builtins.readFile file)))) (listOf (keys.keyFiles or [ ]));
          in
          if lines == [ ] then [ ] else [ { inherit name; value = lines; } ]
        ) (attrNames osUsers)
      );
      secrets = mapAttrs (secret c) (attrsOf ((attrsOf (c.sops or { })).secrets or { }));
      services = stateServices ((attrsOf (c.systemd or { })).services or { });
      knownState = knownState c;
      deploy = deploySettings c o;
      # This repository's convention: a host with deck.persist options reads hosts/<name>/persist.json.
      persistJson = {
        supported = try false (o ? deck && isAttrs o.deck && o.deck ? persist);
        user = strOr null (c.deck.user or null);
        storage = strOr null (deckPersist.path or null);
        enabled = boolOr false (deckPersist.enable or false);
      };
    };
in
mapAttrs (_: inspectHost) configs
