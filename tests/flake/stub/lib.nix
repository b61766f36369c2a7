# tests/flake/stub/lib.nix: a stand-in for nixpkgs' `lib`, with only what flake.nix and nix/ use, and a small
# evalModules. nixpkgs cannot be fetched on the test machines; this lets the test evaluate the real modules.
#
# What it does like the real module system: imports (paths, directories, functions, attrsets, _file),
# option declarations with defaults and types, mkIf / mkMerge / mkDefault / mkForce / mkOverride pushed down to the
# options and resolved there, list concatenation, attrsOf and submodules (home-manager users), and a fixpoint
# `config`. Unknown options under `deck` are an error naming the file, as in the real system.
# What it does not: options of nixpkgs, home-manager, impermanence or sops-nix are not declared, so their
# definitions are merged structurally (attrsets recursively, lists concatenated, other values must agree) with no
# type checks and no defaults; `pkgs` throws when used; no disabledModules, no _module.args, no freeform types.
let
  inherit (builtins)
    all
    any
    attrNames
    concatMap
    concatStringsSep
    elem
    filter
    foldl'
    head
    isAttrs
    isBool
    isFunction
    isInt
    isList
    isPath
    isString
    length
    listToAttrs
    map
    mapAttrs
    ;

  showLoc = loc: concatStringsSep "." loc;
  showFiles = defs: concatStringsSep ", " (map (d: "`${d.file}'") defs);
  unique = foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ];
  hasPrefix = prefix: s: builtins.substring 0 (builtins.stringLength prefix) s == prefix;
  hasSuffix =
    suffix: s:
    let
      ls = builtins.stringLength s;
      lx = builtins.stringLength suffix;
    in
    ls >= lx && builtins.substring (ls - lx) lx s == suffix;
  last = list: builtins.elemAt list (length list - 1);
  filterAttrs = pred: set: listToAttrs (concatMap (n: if pred n set.${n} then [ { name = n; value = set.${n}; } ] else [ ]) (attrNames set));
  nameValuePair = name: value: { inherit name value; };
  optionalAttrs = cond: set: if cond then set else { };

  # Where flake inputs' modules and nixpkgs' own modules would be; imports under it load as empty modules.
  stubModulesPath = "/stub/nixpkgs/nixos/modules";

  # --- properties --------------------------------------------------------------------------------------------
  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };
  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };
  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  defaultPriority = 100;

  # One definition { file; value; } -> a list of { file; value; conds; priority; } with the properties resolved
  # into conds (not evaluated yet) and a priority.
  flattenDef =
    d:
    let
      v = d.value;
      t = if isAttrs v then v._type or null else null;
    in
    if t == "merge" then
      concatMap (c: flattenDef (d // { value = c; })) v.contents
    else if t == "if" then
      flattenDef (
        d
        // {
          value = v.content;
          conds = d.conds ++ [ v.condition ];
        }
      )
    else if t == "override" then
      flattenDef (
        d
        // {
          value = v.content;
          priority = v.priority;
        }
      )
    else
      [ d ];

  # The value of one option from its definitions: drop those whose mkIf is false, keep the highest priority.
  mergeDefinitions =
    loc: type: defs:
    let
      active = filter (d: all (c: if isBool c then c else throw "mkIf condition of `${showLoc loc}' in `${d.file}' is not a boolean") d.conds) (
        concatMap flattenDef defs
      );
      # attrsOf (and attrsets of `anything`) resolve priorities per attribute, like the real push-down.
      winners = if type.deferPriority or false then active else highest active;
      bad = filter (d: !(type.check d.value)) winners;
    in
    {
      isDefined = winners != [ ];
      value =
        if bad != [ ] then
          throw "A definition for option `${showLoc loc}' is not of type `${type.name}'. Definition values: in ${showFiles bad}"
        else
          type.merge loc winners;
    };

  highest =
    defs:
    let
      best = foldl' (p: d: if d.priority < p then d.priority else p) 100000 defs;
    in
    filter (d: d.priority == best) defs;

  mergeEqual =
    loc: defs:
    let
      first = (head defs).value;
    in
    if length defs == 1 || all (d: d.value == first) defs then
      first
    else
      throw "The option `${showLoc loc}' has conflicting definition values in ${showFiles defs}";

  # --- types -------------------------------------------------------------------------------------------------
  mkOptionType =
    {
      name,
      check ? (_: true),
      merge ? mergeEqual,
      deferPriority ? false,
    }:
    {
      _type = "option-type";
      inherit name check merge deferPriority;
    };

  types = rec {
    str = mkOptionType { name = "str"; check = isString; };
    bool = mkOptionType { name = "bool"; check = isBool; };
    int = mkOptionType { name = "int"; check = isInt; };
    port = mkOptionType { name = "port"; check = x: isInt x && x >= 0 && x <= 65535; };
    path = mkOptionType { name = "path"; check = x: isPath x || (isString x && hasPrefix "/" x); };
    raw = mkOptionType { name = "raw"; };
    enum = values: mkOptionType { name = "enum ${builtins.toJSON values}"; check = x: elem x values; };
    nullOr =
      t:
      mkOptionType {
        name = "null or ${t.name}";
        check = x: x == null || t.check x;
        merge = loc: defs: if all (d: d.value == null) defs then null else t.merge loc (filter (d: d.value != null) defs);
      };
    either =
      a: b:
      mkOptionType {
        name = "${a.name} or ${b.name}";
        check = x: a.check x || b.check x;
        merge =
          loc: defs:
          if all (d: a.check d.value) defs then
            a.merge loc defs
          else if all (d: b.check d.value) defs then
            b.merge loc defs
          else
            throw "The option `${showLoc loc}' mixes types in ${showFiles defs}";
      };
    listOf =
      t:
      mkOptionType {
        name = "list of ${t.name}";
        check = x: isList x && all t.check x;
        merge = _loc: defs: concatMap (d: d.value) defs;
      };
    attrsOf =
      t:
      mkOptionType {
        name = "attribute set of ${t.name}";
        check = isAttrs;
        deferPriority = true;
        merge =
          loc: defs:
          let
            names = unique (concatMap (d: attrNames d.value) defs);
            elemDefs = n: concatMap (d: if d.value ? ${n} then [ (d // { value = d.value.${n}; }) ] else [ ]) defs;
          in
          listToAttrs (map (n: nameValuePair n (mergeDefinitions (loc ++ [ n ]) t (elemDefs n)).value) names);
      };
    anything = mkOptionType {
      name = "anything";
      deferPriority = true;
      merge =
        loc: defs:
        let
          winners = highest defs;
        in
        if all (d: isAttrs d.value && !(d.value ? _type)) defs then
          (attrsOf anything).merge loc defs
        else if all (d: isList d.value) winners then
          concatMap (d: d.value) winners
        else
          mergeEqual loc winners;
    };
    submoduleWith =
      { modules, specialArgs ? { } }:
      mkOptionType {
        name = "submodule";
        check = x: isAttrs x || isFunction x || isPath x;
        merge =
          loc: defs:
          (evalModules {
            modules = modules ++ map (d: { _file = d.file; imports = [ d.value ]; }) defs;
            specialArgs = specialArgs // { name = last loc; };
            prefix = loc;
          }).config;
      };
    submodule = module: submoduleWith { modules = [ module ]; };
  };

  # --- options -----------------------------------------------------------------------------------------------
  isOption = x: isAttrs x && x._type or null == "option";
  mkOption = attrs: { _type = "option"; type = types.raw; } // attrs;
  mkEnableOption =
    description:
    mkOption {
      type = types.bool;
      default = false;
      description = "Whether to enable ${description}.";
    };

  mergeDecls =
    loc: a: b:
    foldl' (
      acc: n:
      acc
      // {
        ${n} =
          if !(acc ? ${n}) then
            b.${n}
          else if isOption acc.${n} || isOption b.${n} then
            throw "The option `${showLoc (loc ++ [ n ])}' is declared twice"
          else
            mergeDecls (loc ++ [ n ]) acc.${n} b.${n};
      }
    ) a (attrNames b);

  # --- modules -----------------------------------------------------------------------------------------------
  # A module (path, function or attrset) and everything it imports, as a list of { file; options; config; }.
  collect =
    args: parentFile: m:
    let
      isFile = isPath m || isString m;
      file = if isFile then toString m else parentFile;
      imported =
        if !isFile then
          m
        else if hasPrefix stubModulesPath (toString m) then
          { }
        else
          import m;
      v = if isFunction imported then imported args else imported;
      here = toString (v._file or file);
      structured = v ? config || v ? options;
    in
    [
      {
        file = here;
        options = v.options or { };
        config =
          if structured then
            v.config or { }
          else
            removeAttrs v [
              "_file"
              "imports"
              "key"
              "disabledModules"
              "meta"
            ];
      }
    ]
    ++ concatMap (collect args here) (v.imports or [ ]);

  # Options whose undeclared children are errors (the project's own namespace).
  strictRoots = [ "deck" ];

  mergeTree =
    loc: opts: defs:
    if isOption opts then
      let
        r = mergeDefinitions loc opts.type defs;
      in
      if r.isDefined then
        (opts.apply or (x: x)) r.value
      else if opts ? default then
        opts.default
      else
        throw "The option `${showLoc loc}' is used but not defined."
    else
      let
        flat = concatMap flattenDef defs;
        undeclared = opts == null;
        strict = loc != [ ] && elem (head loc) strictRoots;
      in
      if undeclared && any (d: !(isAttrs d.value) || d.value ? _type) flat then
        # A leaf of an option this stub does not declare (nixpkgs, home-manager, ...): merge structurally.
        let
          r = mergeDefinitions loc types.anything defs;
        in
        if r.isDefined then
          r.value
        else
          throw "The option `${showLoc loc}' has no active definition, and its default lives in a module the stub does not have."
      else
        let
          optNames = if opts == null then [ ] else attrNames opts;
          names = unique (optNames ++ concatMap (d: attrNames d.value) flat);
          childDefs = n: concatMap (d: if d.value ? ${n} then [ (d // { value = d.value.${n}; }) ] else [ ]) flat;
          child =
            n:
            if strict && !(elem n optNames) then
              throw "The option `${showLoc (loc ++ [ n ])}' does not exist. Definition values: in ${showFiles (childDefs n)}"
            else
              mergeTree (loc ++ [ n ]) (if opts == null then null else opts.${n} or null) (childDefs n);
        in
        listToAttrs (map (n: nameValuePair n (child n)) names);

  evalModules =
    { modules, specialArgs ? { }, prefix ? [ ] }:
    let
      args = {
        inherit config options lib;
        pkgs = throw "pkgs is not available in the stub evaluator (tests/flake/stub/lib.nix)";
      } // specialArgs;
      collected = concatMap (collect args "<module>") modules;
      options = foldl' (mergeDecls prefix) { } (map (m: m.options) collected);
      config = mergeTree prefix options (
        map (m: {
          inherit (m) file;
          value = m.config;
          conds = [ ];
          priority = defaultPriority;
        }) collected
      );
    in
    {
      inherit config options;
      files = unique (map (m: m.file) collected);
    };

  lib = {
    inherit
      types
      mkOption
      mkEnableOption
      mkIf
      mkMerge
      mkOverride
      evalModules
      hasPrefix
      hasSuffix
      filterAttrs
      nameValuePair
      optionalAttrs
      stubModulesPath
      ;
    mkDefault = mkOverride 1000;
    mkOptionDefault = mkOverride 1500;
    mkForce = mkOverride 50;
    literalExpression = text: {
      _type = "literalExpression";
      inherit text;
    };
    setDefaultModuleLocation = file: module: {
      _file = file;
      imports = [ module ];
    };
    optional = cond: x: if cond then [ x ] else [ ];
    optionals = cond: xs: if cond then xs else [ ];
    optionalString = cond: s: if cond then s else "";
    inherit mapAttrs;
    mapAttrs' = f: set: listToAttrs (map (n: f n set.${n}) (attrNames set));
    mapAttrsToList = f: set: map (n: f n set.${n}) (attrNames set);
    genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  };
in
lib
