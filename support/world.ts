import { World, type IWorldOptions } from '@cucumber/cucumber';
import { Permission } from '../protocol/constants';
import { ChatUser } from './actors/chat-user';
import type { Permission as PermissionName } from './auth/token-minter';
import type { UserId } from './domain/ids';
import { environmentProfile, type EnvironmentProfile } from './config/environment-profile';
import { SeededRandom, scenarioSeed } from './random/seeded-random';
import { ScenarioTarget } from './target/scenario-target';
import { suiteEnvironment } from './target/suite-environment';

/** Cucumber's world parameters: the environment profile (see cucumber.js). */
export type GoldenPathParameters = EnvironmentProfile;

/**
 * One scenario's world: the cast, the target, the profile and the cleanups.
 * Whatever a step learns is remembered by the actor it concerns (a ChatUser)
 * or, for what belongs to no one person, by one typed state object per
 * capability (`world.state(FuzzBarrage)`), created on first use.
 */
export class GoldenPathWorld extends World<GoldenPathParameters> {
  readonly profile: EnvironmentProfile;
  readonly startedAt = performance.now();
  /** The one source of generated content in this scenario (see seeded-random.ts). */
  readonly random: SeededRandom;
  private readonly cast = new Map<string, ChatUser>();
  private scenarioTarget: ScenarioTarget | undefined;
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private readonly capabilityStates = new Map<new () => object, object>();

  constructor(options: IWorldOptions<GoldenPathParameters>) {
    super(options);
    this.profile = environmentProfile(options.parameters);
    this.random = new SeededRandom(scenarioSeed());
  }

  /** Connects the world to the backend under test (launching it on first use). */
  async prepare(): Promise<void> {
    this.scenarioTarget = new ScenarioTarget((await suiteEnvironment(this.profile)).sut, this.profile);
  }

  get target(): ScenarioTarget {
    if (this.scenarioTarget === undefined) throw new Error('this scenario has no backend: it is tagged @unit, or the Before hook did not run');
    return this.scenarioTarget;
  }

  /** The state of one capability, created on first use. */
  state<T extends object>(Kind: new () => T): T {
    let found = this.capabilityStates.get(Kind);
    if (found === undefined) {
      found = new Kind();
      this.capabilityStates.set(Kind, found);
    }
    return found as T;
  }

  /** Signs in a person by first name, with a fresh user id unless one is given. */
  signIn(name: string, permissions: readonly PermissionName[] = [Permission.Read, Permission.Write], userId?: UserId): ChatUser {
    return this.enlist(name, permissions, false, userId);
  }

  /** Signs in a crowd of `count` users named `Prefix1…`: owned and judged like anyone, summarised in transcripts. */
  signInCrowd(prefix: string, count: number): ChatUser[] {
    return Array.from({ length: count }, (_, index) => this.enlist(`${prefix}${index + 1}`, [Permission.Read, Permission.Write], true));
  }

  private enlist(name: string, permissions: readonly PermissionName[], inCrowd: boolean, userId?: UserId): ChatUser {
    const target = this.target;
    const user = new ChatUser(name, userId ?? target.sut.identities.userIdFor(name), permissions, target.sut.identities, this.profile, () => target.endpoint, this.random.derive(name), inCrowd, () => target.agentIsPaced);
    this.cast.set(name, user);
    return user;
  }

  user(name: string): ChatUser {
    const user = this.cast.get(name);
    if (user === undefined) throw new Error(`${name} has not signed in in this scenario: add "Given ${name} is signed in"`);
    return user;
  }

  /** Everyone in the scenario, crowds included. */
  get users(): ChatUser[] {
    return [...this.cast.values()];
  }

  get crowd(): ChatUser[] {
    return this.users.filter((user) => user.inCrowd);
  }

  /** Registers a release to run when the scenario ends, after every connection is closed and every backend stopped; the last registered runs first. */
  defer(release: () => Promise<unknown>): void {
    this.cleanups.push(release);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.users.map((user) => user.closeAll()));
    await this.scenarioTarget?.dispose();
    for (const release of this.cleanups.reverse()) await release();
  }
}
