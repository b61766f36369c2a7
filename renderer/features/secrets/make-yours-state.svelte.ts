// The guided "make this repository yours": the user's key, the hosts' real keys, a plan made in main that writes
// nothing, and the apply that writes exactly what the plan showed.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { HostRecipient, KeyIdentity } from '../../../common/model/keys.ts';
import type {
  DemoMaterial,
  MakeYoursChoices,
  MakeYoursPlan,
  MakeYoursReport,
} from '../../../common/model/make-yours.ts';
import { asApiError } from '../../lib/as-api-error.ts';

export class MakeYoursState {
  identities = $state.raw<KeyIdentity[]>([]);
  /** Why the keychain cannot be used, with what to do. */
  keychainProblem = $state<string | null>(null);
  hosts = $state.raw<HostRecipient[]>([]);
  /** Where the flake still uses published demo keys; null until loaded. */
  demo = $state.raw<DemoMaterial | null>(null);
  loadError = $state<ApiError | null>(null);

  /** The chosen identity's label. */
  identity = $state<string | null>(null);
  newLabel = $state('my-age-key');
  /** The real SSH host key typed or scanned per host. */
  hostKeys = $state<Record<string, string>>({});
  addresses = $state<Record<string, string>>({});
  scanning = $state<string | null>(null);
  scanProblems = $state<Record<string, string>>({});
  /** Anchors chosen as the user's; null lets main pick (`admin`, or the only one that is no host's). */
  userAnchors = $state<string[] | null>(null);
  useDemoKey = $state(false);
  keepDemoKey = $state(false);
  /** The user's SSH public keys, one a line: they replace the published demo login key. */
  loginKeys = $state('');
  /** The new login password, typed twice; sent to main only to be hashed there. */
  password = $state('');
  passwordAgain = $state('');

  plan = $state.raw<MakeYoursPlan | null>(null);
  /** The choices the plan was made for: a plan for other choices cannot be applied. */
  planFor = $state<string | null>(null);
  report = $state.raw<MakeYoursReport | null>(null);
  busy = $state<'plan' | 'apply' | 'generate' | null>(null);
  error = $state<ApiError | null>(null);

  readonly #api: FlakedeckApi;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  /** Why the password cannot be used yet, or null. */
  get passwordProblem(): string | null {
    if (this.password === '' && this.passwordAgain === '') return null;
    if (this.password.length < 8) return 'At least 8 characters: it opens the console and sudo on every host.';
    return this.password === this.passwordAgain ? null : 'The two passwords differ.';
  }

  get choices(): MakeYoursChoices | null {
    if (!this.identity || this.passwordProblem) return null;
    const loginKeys = this.loginKeys
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const hostKeys = Object.fromEntries(
      Object.entries(this.hostKeys)
        .map(([host, key]) => [host, key.trim()] as const)
        .filter(([, key]) => key !== ''),
    );
    return {
      identity: this.identity,
      hostKeys,
      useDemoKey: this.useDemoKey,
      ...(this.userAnchors && { userAnchors: this.userAnchors }),
      ...(loginKeys.length && { loginKeys }),
      ...(this.password && { password: this.password }),
    };
  }

  /** Whether the host's key in the repository is a published demo key. */
  hostIsDemo(host: string): boolean {
    return !!this.demo?.places.some((p) => p.file === `hosts/${host}/ssh_host_ed25519_key.pub`);
  }

  /** The plan shown is for the choices made now. */
  get current(): boolean {
    return !!this.plan && this.planFor === JSON.stringify(this.choices);
  }

  load = async (): Promise<void> => {
    this.loadError = null;
    try {
      const [status, hosts, demo] = await Promise.all([
        this.#api.keys.status(),
        this.#api.keys.hostRecipients({}),
        this.#api.secrets.demoMaterial(),
      ]);
      this.demo = demo;
      this.identities = status.identities;
      this.keychainProblem = status.reachable ? null : (status.problem ?? 'The keychain cannot be reached.');
      this.hosts = hosts;
      this.identity ??= status.identities[0]?.label ?? null;
    } catch (error) {
      this.loadError = asApiError(error);
    }
  };

  generate = async (): Promise<void> => {
    const label = this.newLabel.trim();
    if (!label) return;
    await this.#run('generate', async () => {
      const made = await this.#api.keys.generate({ label });
      this.identities = [...this.identities, made];
      this.identity = made.label;
    });
  };

  /** Asks the host for its key (ssh-keyscan) and puts it in the host's field, to be checked by the user. */
  scan = async (host: string): Promise<void> => {
    this.scanning = host;
    const { [host]: _old, ...others } = this.scanProblems;
    this.scanProblems = others;
    try {
      const address = this.addresses[host]?.trim() || host;
      const [found] = await this.#api.keys.hostRecipients({ scan: true, hosts: [host], addresses: { [host]: address } });
      if (found?.scannedKey) this.hostKeys = { ...this.hostKeys, [host]: found.scannedKey };
      else this.scanProblems = { ...this.scanProblems, [host]: found?.problem ?? `${address} did not answer.` };
    } catch (error) {
      this.scanProblems = { ...this.scanProblems, [host]: asApiError(error).message };
    } finally {
      this.scanning = null;
    }
  };

  toggleAnchor = (anchor: string, yours: boolean): void => {
    const now = this.userAnchors ?? this.plan?.anchors.filter((a) => a.role === 'you').map((a) => a.anchor) ?? [];
    this.userAnchors = yours ? [...now.filter((a) => a !== anchor), anchor] : now.filter((a) => a !== anchor);
  };

  review = async (): Promise<void> => {
    const choices = this.choices;
    if (!choices) return;
    await this.#run('plan', async () => {
      this.report = null;
      this.plan = await this.#api.secrets.makeYoursPlan(choices);
      this.planFor = JSON.stringify(choices);
    });
  };

  apply = async (): Promise<void> => {
    const choices = this.choices;
    const plan = this.plan;
    if (!choices || !plan || !this.current) return;
    await this.#run('apply', async () => {
      this.report = await this.#api.secrets.makeYoursApply({
        ...choices,
        fingerprint: plan.fingerprint,
        keepDemoKey: this.keepDemoKey,
      });
      this.plan = null;
      this.planFor = null;
      this.hostKeys = {};
      this.password = '';
      this.passwordAgain = '';
      await this.load();
    });
  };

  async #run(kind: 'plan' | 'apply' | 'generate', work: () => Promise<void>): Promise<void> {
    this.busy = kind;
    this.error = null;
    try {
      await work();
    } catch (error) {
      this.error = asApiError(error);
    } finally {
      this.busy = null;
    }
  }
}
