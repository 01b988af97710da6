import { World, type IWorldOptions } from '@cucumber/cucumber';
import { ChatUser } from './actors/chat-user';
import { newClientMessageId } from './domain/ids';
import type { CrowdAttempt } from './scenario/race-conditions';
import type { Permission } from './auth/token-minter';
import { environmentProfile, type EnvironmentProfile } from './config/environment-profile';
import { transcript } from './report/transcript';
import { pacedBackendFor, suiteEnvironment } from './target/suite-environment';
import type { ExampleRun } from './scenario/event-rule-examples';
import { emptyMetrics, type SuccessMetrics } from './report/success-metrics';
import type { Endpoint, SystemUnderTest } from './target/system-under-test';
import { OwnBackend } from './target/own-backend';
import type { LaunchedBackend } from './target/launched-backend';
import type { HistoryResponse } from './client/history-client';

/** Cucumber's world parameters: the environment profile (see cucumber.js). */
export type GoldenPathParameters = EnvironmentProfile;

/**
 * One scenario's world: the people in it, what they saw, and everything the
 * scenario opened, which it closes in `dispose`.
 */
export class GoldenPathWorld extends World<GoldenPathParameters> {
  readonly profile: EnvironmentProfile;
  readonly startedAt = performance.now();
  private readonly cast = new Map<string, ChatUser>();
  private target: SystemUnderTest | undefined;
  private switchedEndpoint: Endpoint | undefined;
  private readonly ownBackends: OwnBackend[] = [];
  /** The success metrics counted when the scenario began. */
  metricsAtStart: SuccessMetrics = emptyMetrics();
  /** A crowd of users for storm scenarios, kept out of the cast and summarised in the transcript. */
  crowd: ChatUser[] = [];
  crowdAttempts: CrowdAttempt[] = [];
  /** The crowd's connections as they were when the backend restarted. */
  crowdBeforeRestart: CrowdAttempt[] = [];
  /** The client_message_id of a question sent before the chat was ready. */
  readonly earlyClientMessageId = newClientMessageId();
  /** /health connections when a step noted them. */
  connectionBaseline: number | undefined;
  /** How an attempt to open one tab too many ended. */
  extraTabOutcome: { upgraded: boolean; status: number; body: string; contentType?: string | undefined } | undefined;
  /** Exit code of the own backend when it was restarted. */
  restartExit: number | null | undefined;
  /** A backend started with a configuration problem, and whether its port ever answered. */
  misconfigured: { backend: LaunchedBackend; answered: boolean; problem: string } | undefined;
  /** How each of several instances started together ended: the backend, or why it failed. */
  instanceStarts: Array<LaunchedBackend | string> = [];
  /** Released when the scenario ends, after its connections are closed (backends, servers). */
  readonly cleanups: Array<() => Promise<unknown>> = [];
  /** Released after everything else (databases the scenario created). */
  readonly cleanupsLast: Array<() => Promise<unknown>> = [];
  /** When a step broke a dependency (performance.now()). */
  failureStartedAt: number | undefined;
  /** The example event stream of a @unit rule scenario. */
  example: ExampleRun | undefined;

  constructor(options: IWorldOptions<GoldenPathParameters>) {
    super(options);
    this.profile = environmentProfile(options.parameters);
  }

  /** Connects the world to the backend under test (launching it on first use). */
  async prepare(): Promise<void> {
    this.target = (await suiteEnvironment(this.profile)).sut;
  }

  get sut(): SystemUnderTest {
    if (this.target === undefined) throw new Error('this scenario has no backend: it is tagged @unit, or the Before hook did not run');
    return this.target;
  }

  /** The backend instance this scenario's users talk to (the suite's, unless a step switched it). */
  get endpoint(): Endpoint {
    return this.switchedEndpoint ?? this.sut;
  }

  /**
   * Launches a backend of this scenario's own, behind fault proxies, and
   * points the scenario's users at it. Stopped when the scenario ends.
   */
  async useOwnBackend(extra: Record<string, string> = {}, options: { dependenciesDownAtStart?: boolean } = {}): Promise<OwnBackend> {
    const own = await OwnBackend.launch(this.profile, `own-${this.ownBackends.length + 1}`, extra, options);
    this.ownBackends.push(own);
    this.switchedEndpoint = own;
    return own;
  }

  /** Instances of the backend launched side by side, for several-instance scenarios. */
  instances: OwnBackend[] = [];
  /** The answer to an attempt to read someone else's conversation. */
  foreignRead: { response: HistoryResponse; owner: string } | undefined;

  /** Launches another instance of the backend command (behind its own fault proxies) without switching the scenario to it. */
  async launchOwnInstance(label: string): Promise<OwnBackend> {
    const own = await OwnBackend.launch(this.profile, label);
    this.ownBackends.push(own);
    return own;
  }

  /** True while a dependency of the scenario's own backend is cut, blackholed or slowed. */
  get dependencyBroken(): boolean {
    return this.ownBackends.some((own) => own.postgres.currentMode.kind !== 'pass' || own.redis.currentMode.kind !== 'pass');
  }

  /** The backend this scenario launched for itself, for steps that break its dependencies. */
  get ownBackend(): OwnBackend {
    const own = this.ownBackends.at(-1);
    if (own === undefined) throw new Error('this scenario has no backend of its own: a step must launch one first');
    return own;
  }

  /** From now on, this scenario's users talk to the paced backend (slow agent steps). */
  async usePacedBackend(): Promise<void> {
    this.switchedEndpoint = await pacedBackendFor(this.profile);
  }

  signIn(name: string, permissions: readonly Permission[] = ['read', 'write']): ChatUser {
    const user = new ChatUser(name, this.sut.identities.userIdFor(name), permissions, this.sut, this.profile, () => this.endpoint);
    this.cast.set(name, user);
    return user;
  }

  /** Signs in a crowd member: owned and checked like any user, summarised rather than transcribed. */
  signInExtra(name: string): ChatUser {
    return new ChatUser(name, this.sut.identities.userIdFor(name), ['read', 'write'], this.sut, this.profile, () => this.endpoint);
  }

  user(name: string): ChatUser {
    const user = this.cast.get(name);
    if (user === undefined) throw new Error(`${name} has not signed in in this scenario: add "Given ${name} is signed in"`);
    return user;
  }

  /** Everyone in the scenario: the cast and the crowd. */
  get users(): ChatUser[] {
    return [...this.cast.values(), ...this.crowd];
  }

  transcript(): string {
    const text = transcript([...this.cast.values()].flatMap((user) => user.connections), this.startedAt);
    if (this.crowd.length === 0) return text;
    const connections = this.crowd.flatMap((user) => user.connections);
    const closes = new Map<string, number>();
    for (const connection of connections) {
      const code = connection.closeEvent === undefined ? 'open' : String(connection.closeEvent.code);
      closes.set(code, (closes.get(code) ?? 0) + 1);
    }
    const summary = `crowd of ${this.crowd.length} users: ${connections.length} connections, closed with ${[...closes].map(([code, count]) => `${code} × ${count}`).join(', ')}`;
    return text === '' ? summary : `${text}\n${summary}`;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.users.map((user) => user.closeAll()));
    await Promise.all(this.ownBackends.map((own) => own.stop(this.profile.shutdownGraceMs)));
    await Promise.all(this.cleanups.map((release) => release()));
    for (const release of this.cleanupsLast) await release();
  }
}
