// Rebooting this machine: the generations it can boot once, and what a copy-out and a reboot did.

import type { Generation } from './runs.ts';

/** A system generation, with the boot loader's entry that boots it once (null: the boot loader lists none). */
export interface BootableGeneration extends Generation {
  bootEntry: string | null;
}

export interface RebootOptions {
  /** The host of the flake that is this machine. */
  host: string;
  /** The boot loader takes an entry for the next boot only (systemd-boot does; GRUB as NixOS installs it does not). */
  oneShot: boolean;
  /** Why there is no choice of generation for the next boot, when there is none. */
  noOneShot: string | null;
  /** Oldest first. */
  generations: BootableGeneration[];
}

export interface CopyOutResult {
  destination: string;
  /** The paths copied, each now at destination + path. */
  copied: string[];
  /** The paths not (wholly) copied, with the first line of why. */
  failed: { path: string; reason: string }[];
}

export interface RebootStarted {
  host: string;
  /** The generation chosen for the next boot only, or null for the boot loader's default. */
  generation: number | null;
  /** What ran on this machine, e.g. ["systemctl", "reboot"]. */
  command: string[];
}
