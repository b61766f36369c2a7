// Builds the services shared by the Electron app, the CLI and the test harness: one place, no import side effects.

import { EventHub } from './events/event-hub.ts';
import { historyFile } from './app-paths.ts';
import { DeployService } from './deploy/deploy-service.ts';
import { defaultEnvironment } from './deploy/settings.ts';
import type { DeployEnvironment } from './deploy/settings.ts';
import { FlakeSession } from './flake/flake-session.ts';
import { FlakeSystems } from './fleet/flake-systems.ts';
import { defaultFleetEnvironment, FleetService } from './fleet/fleet-service.ts';
import type { FleetEnvironment } from './fleet/fleet-service.ts';
import { ManifestService } from './flake/manifest-cache.ts';
import { Nix } from './flake/nix.ts';
import type { NixOptions } from './flake/nix.ts';
import { RebootCheck } from './flake/reboot-check.ts';
import type { RebootCheckOptions } from './flake/reboot-check.ts';
import { ApiError } from '../common/api/errors.ts';
import type { ApiErrorData } from '../common/api/errors.ts';
import { openHistoryDatabase, openMemoryHistory } from './history/database.ts';
import type { HistoryDatabase } from './history/database.ts';
import { HostStateStore } from './history/host-state-store.ts';
import { ManifestStore } from './history/manifest-store.ts';
import { Retention } from './history/retention.ts';
import { RunStore } from './history/run-store.ts';
import { Settings } from './history/settings.ts';
import { KeyService } from './keys/key-service.ts';
import type { Keychain } from './keys/keychain.ts';
import { SecretsService } from './secrets/secrets-service.ts';
import { MakeYours } from './secrets/make-yours.ts';
import { EditorLauncher } from './links/editor.ts';
import type { FileOpener } from './links/editor.ts';
import { ExternalLinks } from './links/external-links.ts';
import { RebootGuard } from './reboot/reboot-guard.ts';
import { Targets } from './targets/targets.ts';
import type { ExternalOpener } from './links/external-links.ts';
import { PtyHost } from './terminal/pty-host.ts';
import type { PtyHostOptions } from './terminal/pty-host.ts';

export interface ServiceConfig {
  dataDir: string;
  /** The flake shown when none was opened before: the folder the app runs from. */
  defaultFlake: string;
  appVersion: string;
  nix?: NixOptions;
  /** The OS keychain by default; tests may give another. */
  keychain?: Keychain;
  /** The folder standing for / and the scan's bounds in the live reboot check (tests use a prepared folder). */
  rebootCheck?: RebootCheckOptions;
  /** Pty sessions: the shell a tab opens, flow control and scrollback (tests use a bash without rc files). */
  terminal?: PtyHostOptions;
  /** Opens web links; the Electron glue gives shell.openExternal, tests a recorder, the CLI none. */
  openExternal?: ExternalOpener;
  /** Watch opened flakes' sources so an unchanged one opens without a stat of every file (the app, which runs long). */
  watchFlakes?: boolean;
  /** Opens a file with the desktop's default application when no $VISUAL/$EDITOR is set (Electron: shell.openPath). */
  openFile?: FileOpener;
  /** Asks for a folder in the desktop's dialog (Electron: dialog.showOpenDialog); the CLI has none, tests a stand-in. */
  chooseFolder?: (title: string) => Promise<string | undefined>;
  /** Where the editor setting is read from (process.env by default; tests give their own). */
  editorEnv?: NodeJS.ProcessEnv;
  /**
   * Where deploys find things on a machine, how ssh reaches the others and which host is this machine (tests: a
   * loopback sshd, a test folder, a host name of their own).
   */
  deploy?: Partial<DeployEnvironment>;
  /** How the hosts' live state is read: system links, timeout, parallel checks (defaults: the deploy's). */
  fleet?: Partial<FleetEnvironment>;
}

export interface Services {
  config: ServiceConfig;
  events: EventHub;
  nix: Nix;
  history: HistoryDatabase;
  /** Why the history file cannot be used: then the history is kept in memory for this session only. */
  historyProblem: ApiErrorData | null;
  settings: Settings;
  flake: FlakeSession;
  manifests: ManifestService;
  /** Every machine the app acts on: this one or a remote host, and how each is reached. */
  targets: Targets;
  rebootCheck: RebootCheck;
  keys: KeyService;
  secrets: SecretsService;
  /** Replaces the published demo keys with the user's and the hosts' own, and rotates every secret file. */
  makeYours: MakeYours;
  /** Every pty session: shells the user opens and the runs of builds and deploys. */
  terminals: PtyHost;
  links: ExternalLinks;
  /** Opens the user's files at a line (an error's location) in their editor. */
  editor: EditorLauncher;
  /** The record of builds, deploys and rollbacks. */
  runs: RunStore;
  /** Deletes old runs, logs and cached manifests; the app schedules it, the CLI and tests do not. */
  retention: Retention;
  deploy: DeployService;
  /** The hosts' live state, checked in the background and kept in the history. */
  fleet: FleetService;
  /** Before this machine reboots: its generations to boot once, copying wiped files out, the reboot. */
  rebootGuard: RebootGuard;
  /**
   * Stops: no new run starts, the runs in flight end in the history as interrupted with `reason` ("Flakedeck quit"),
   * programs end, and the database closes last.
   */
  close(reason?: string): void;
}

export function createServices(config: ServiceConfig): Services {
  const events = new EventHub();
  const nix = new Nix(config.nix);
  const { history, historyProblem } = openHistory(historyFile(config.dataDir));
  const settings = new Settings(history);
  const flake = new FlakeSession(settings, events, config.defaultFlake);
  const manifests = new ManifestService(nix, new ManifestStore(history), events, { watchSources: config.watchFlakes });
  const env = { ...defaultEnvironment, ...config.deploy };
  const targets = new Targets(manifests, env);
  const rebootCheck = new RebootCheck(manifests, targets, config.rebootCheck);
  const keys = new KeyService(config.keychain);
  const secrets = new SecretsService(
    () => flake.current().path,
    () => keys.identities(),
  );
  const makeYours = new MakeYours(() => flake.current().path, keys);
  const terminals = new PtyHost(events, config.terminal);
  const links = new ExternalLinks(config.openExternal);
  const editor = new EditorLauncher(terminals, config.openFile, config.editorEnv);
  const runs = new RunStore(history);
  const retention = new Retention(history, settings);
  const deploy = new DeployService({
    nix,
    manifests,
    targets,
    terminals,
    runs,
    settings,
    events,
    env,
    dataDir: config.dataDir,
  });
  const fleet = new FleetService({
    manifests,
    runs,
    states: new HostStateStore(history),
    systems: new FlakeSystems(nix),
    targets,
    settings,
    events,
    env: {
      ...defaultFleetEnvironment,
      profile: env.profile,
      currentSystem: env.currentSystem,
      store: env.store,
      ...config.fleet,
    },
  });
  const rebootGuard = new RebootGuard({
    manifests,
    targets,
    generations: (folder, host) => deploy.generations(folder, host),
    inFlight: () => deploy.inFlight(),
    rootPrefix: config.rebootCheck?.rootPrefix ?? '/',
  });
  let closed = false;
  const close = (reason = 'Flakedeck quit') => {
    if (closed) return;
    closed = true;
    fleet.close();
    deploy.stop(reason);
    // Each master connection ends on its own word from ssh; nothing here waits for them.
    void targets.close();
    retention.dispose();
    manifests.close();
    terminals.dispose();
    secrets.sessions.closeAll();
    runs.close();
    history.close();
  };
  return {
    config,
    events,
    nix,
    history,
    historyProblem,
    settings,
    flake,
    manifests,
    targets,
    rebootCheck,
    keys,
    secrets,
    makeYours,
    terminals,
    links,
    editor,
    runs,
    retention,
    deploy,
    fleet,
    rebootGuard,
    close,
  };
}

/** The history file, or, when it cannot be used, a history in memory and why: the app still starts, and says so. */
function openHistory(file: string): { history: HistoryDatabase; historyProblem: ApiErrorData | null } {
  try {
    return { history: openHistoryDatabase(file), historyProblem: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { history: openMemoryHistory(), historyProblem: error.toData() };
  }
}
