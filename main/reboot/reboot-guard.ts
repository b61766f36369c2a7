// The guard before rebooting this machine: the generations it can boot once, files copied out of its ephemeral root,
// and the reboot itself, all through this machine's target. What the reboot wipes is the reboot check's
// (main/flake/reboot-check.ts), persisting a folder is persist.json's (main/flake/persist-json.ts).
//
// No systemd inhibitor is taken. A delay inhibitor holds a reboot started elsewhere (the desktop's own menu) for at
// most InhibitDelayMaxSec, 5 s by default: too short to read a list and act on it, and it cannot call the reboot off.
// A block inhibitor would refuse the desktop's own reboot and shutdown outright. So the guard is what "Reboot…" in
// Flakedeck (window, tray, `flakedeck reboot`) shows before it reboots.

import { ApiError } from '../../common/api/errors.ts';
import type { HostManifest } from '../../common/model/manifest.ts';
import type { CopyOutResult, RebootOptions, RebootStarted } from '../../common/model/reboot.ts';
import type { GenerationList, LiveRun } from '../../common/model/runs.ts';
import type { ManifestService } from '../flake/manifest-cache.ts';
import { lastLine } from '../targets/ssh.ts';
import type { Target } from '../targets/target.ts';
import type { Targets } from '../targets/targets.ts';
import { entryOfGeneration, readBootEntries, rebootArgv } from './boot-entries.ts';
import { copyOut } from './copy-out.ts';

export interface RebootGuardDeps {
  manifests: ManifestService;
  targets: Targets;
  /** This machine's system generations (the deploy service lists them for every host). */
  generations(folder: string, host: string): Promise<GenerationList>;
  /** The runs going on now (the deploy service's). */
  inFlight(): readonly Pick<LiveRun, 'id' | 'host' | 'kind'>[];
  /** The folder standing for this machine's `/`, as in the reboot check ("/" except in tests). */
  rootPrefix: string;
}

export class RebootGuard {
  readonly #deps: RebootGuardDeps;

  constructor(deps: RebootGuardDeps) {
    this.#deps = deps;
  }

  /** The generations of this machine, each with the boot entry that boots it once, if the boot loader has one. */
  async options(folder: string): Promise<RebootOptions> {
    const { host, target } = await this.#thisMachine(folder);
    const [{ generations }, boot] = await Promise.all([this.#deps.generations(folder, host), readBootEntries(target)]);
    return {
      host,
      oneShot: boot.noOneShot === null,
      noOneShot: boot.noOneShot,
      generations: generations.map((g) => ({ ...g, bootEntry: entryOfGeneration(boot.entries, g.number) })),
    };
  }

  /** Copies wiped files out to a folder the reboot keeps, each at its own path under it. */
  async copyOut(folder: string, request: { paths: readonly string[]; destination: string }): Promise<CopyOutResult> {
    const { target, manifest } = await this.#thisMachine(folder);
    return copyOut(target, manifest, this.#deps.rootPrefix, request);
  }

  /** The command that reboots this machine (into `generation` once), refused before anything runs if it cannot. */
  async command(folder: string, generation?: number): Promise<{ host: string; target: Target; command: string[] }> {
    const { host, target } = await this.#thisMachine(folder);
    const entry = generation === undefined ? null : await this.#entry(target, generation);
    return { host, target, command: rebootArgv(entry) };
  }

  /**
   * Reboots this machine: `systemctl reboot` as the user, which logind allows the user at the machine as it does the
   * desktop's own menu; with a generation, once into its boot entry, as root (logind asks an administrator for it).
   */
  async reboot(folder: string, generation?: number): Promise<RebootStarted> {
    const { host, target, command } = await this.command(folder, generation);
    const run = this.#deps.inFlight().find((r) => r.host === host);
    if (run) {
      // Mid-switch, or before "Keep this configuration?" is answered, the boot default is a system nobody confirmed.
      throw new ApiError({
        code: 'BUSY',
        message: `${host} has a ${run.kind} going (run #${run.id}): it is not rebooted in the middle of it.`,
        hint: 'Reboot once the run has ended (and, after a switch, once you kept or reverted it).',
      });
    }
    const once = generation !== undefined;
    const result = await target.run(command, { privileged: once, timeoutMs: 60_000 });
    if (result.code !== 0) {
      throw new ApiError({
        code: 'REBOOT_FAILED',
        message: `This machine did not reboot: ${lastLine(result.stderr) || `${command.join(' ')} exited with code ${result.code}`}`,
        hint: once
          ? `Choosing the next boot needs root (polkit's agent or sudo without a password); in a terminal: sudo ${command.join(' ')}`
          : 'Another user may be logged in, or an application holds the reboot off; reboot from the desktop instead.',
        ...(result.stderr.trim() && { detail: result.stderr.trim() }),
      });
    }
    return { host, generation: generation ?? null, command };
  }

  async #entry(target: Target, generation: number): Promise<string> {
    const { entries, noOneShot } = await readBootEntries(target);
    if (noOneShot) {
      throw new ApiError({
        code: 'REBOOT_FAILED',
        message: noOneShot,
        hint: `To start generation ${generation} at every boot from now on, roll back to it (Deploy → Generations).`,
      });
    }
    const entry = entryOfGeneration(entries, generation);
    if (!entry) {
      throw new ApiError({
        code: 'REBOOT_FAILED',
        message: `Generation ${generation} has no boot entry; the boot loader lists ${entries.join(', ')}.`,
        hint:
          'The boot loader keeps the newest generations only (boot.loader.systemd-boot.configurationLimit): choose ' +
          'one it lists, or roll back to this one (Deploy → Generations), which installs its entry.',
      });
    }
    return entry;
  }

  async #thisMachine(folder: string): Promise<{ host: string; target: Target; manifest: HostManifest }> {
    const host = await this.#deps.targets.requireThisMachine(folder);
    const manifest = await this.#deps.manifests.manifest(folder, host);
    return { host, target: this.#deps.targets.fromManifest(manifest), manifest };
  }
}
