import { HttpPath } from '../../protocol/constants';
import type { EnvironmentProfile } from '../config/environment-profile';
import type { LaunchedBackend } from './launched-backend';
import { OwnBackend } from './own-backend';
import { launchBackend, pacedBackendFor, requireLaunchSettings, spawnBackend } from './suite-environment';
import type { Endpoint, SystemUnderTest } from './system-under-test';

/**
 * What one scenario talks to: the suite's backend, unless a step switched it
 * to the paced backend or to a backend of the scenario's own (behind fault
 * proxies); plus every instance the scenario launched, which it stops when
 * the scenario ends.
 */
export class ScenarioTarget {
  private switched: Endpoint | undefined;
  private paced = false;
  private readonly own: OwnBackend[] = [];
  private readonly launched: LaunchedBackend[] = [];
  private separateDatabase: OwnBackend | undefined;

  constructor(
    readonly sut: SystemUnderTest,
    private readonly profile: EnvironmentProfile,
  ) {}

  /** The backend instance this scenario's users talk to. */
  get endpoint(): Endpoint {
    return this.switched ?? this.sut;
  }

  /** PROTOCOL §10: the test-token endpoint of the backend the scenario switched to, or undefined for the suite's own (sut.testTokens). */
  get testTokenUrl(): string | undefined {
    return this.switched === undefined ? undefined : `${this.switched.httpUrl}${HttpPath.testToken}`;
  }

  /** The agent of the current endpoint paces its steps (AGENT_STEP_DELAY_MS > 0). */
  get agentIsPaced(): boolean {
    return this.paced;
  }

  /** From now on, the scenario's users talk to the paced backend (slow agent steps). */
  async usePacedBackend(): Promise<void> {
    this.switched = await pacedBackendFor(this.profile);
    this.paced = true;
  }

  /** Launches a backend of the scenario's own, behind fault proxies, and points the scenario's users at it. */
  async useOwnBackend(options: { paced?: boolean; stepDelayMs?: number; dependenciesDownAtStart?: boolean; databaseUrl?: string; environment?: Record<string, string | undefined> } = {}): Promise<OwnBackend> {
    const stepDelay = options.stepDelayMs ?? (options.paced === true ? this.profile.pacedStepDelayMs : 0);
    const own = await this.launchOwn(`own-${this.own.length + 1}`, { AGENT_STEP_DELAY_MS: String(stepDelay), ...options.environment }, options);
    this.switched = own;
    this.paced = stepDelay > 0;
    return own;
  }

  /** Launches another instance of the backend command, behind its own fault proxies, without switching to it. */
  async launchOwn(label: string, extra: Record<string, string | undefined> = {}, options: { dependenciesDownAtStart?: boolean; databaseUrl?: string } = {}): Promise<OwnBackend> {
    const own = await OwnBackend.launch(this.profile, label, extra, options);
    this.own.push(own);
    if (options.databaseUrl !== undefined) this.separateDatabase = own;
    return own;
  }

  /**
   * Where the scenario's conversations can be read: the suite's backend, which
   * shares every launched instance's database — unless the scenario gave its
   * own backend a database of its own.
   */
  get historyEndpoint(): Endpoint {
    return this.separateDatabase ?? this.sut;
  }

  /** The latest backend the scenario launched for itself. */
  get ownBackend(): OwnBackend {
    const own = this.own.at(-1);
    if (own === undefined) throw new Error('this scenario has no backend of its own: a step must launch one first');
    return own;
  }

  /** An instance the scenario launched, by label. */
  instance(label: string): OwnBackend {
    const found = this.own.find((own) => own.label === label);
    if (found === undefined) throw new Error(`the scenario has launched no instance called ${label} (it has: ${this.own.map((own) => own.label).join(', ') || 'none'})`);
    return found;
  }

  get ownBackends(): readonly OwnBackend[] {
    return this.own;
  }

  /** True while a dependency of one of the scenario's own backends is cut, blackholed or slowed. */
  get dependencyBroken(): boolean {
    return this.own.some((own) => own.dependencyBroken);
  }

  /** Starts the backend command with `changes` to its environment, without waiting for readiness (it may be meant to refuse). */
  async spawn(label: string, changes: Record<string, string | undefined>): Promise<LaunchedBackend> {
    const backend = await spawnBackend(this.profile, label, changes);
    this.launched.push(backend);
    return backend;
  }

  /** Starts the backend command on other databases and waits until it is ready. */
  async launch(label: string, urls: { postgres?: string; redis?: string }): Promise<LaunchedBackend> {
    const backend = await launchBackend(this.profile, label, {}, urls);
    this.launched.push(backend);
    return backend;
  }

  /** The suite's PostgreSQL and Redis, for scenarios that make databases of their own. */
  get services(): ReturnType<typeof requireLaunchSettings> {
    return requireLaunchSettings();
  }

  /** Stops everything the scenario launched. */
  async dispose(): Promise<void> {
    await Promise.all([
      ...this.own.map((own) => own.stop(this.profile.shutdownGraceMs)),
      ...this.launched.map((backend) => backend.stop(this.profile.shutdownGraceMs)),
    ]);
  }
}
