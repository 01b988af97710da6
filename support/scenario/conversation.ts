import type { GoldenPathWorld } from '../world';
import type { ChatRequest } from '../actors/requests';
import { expectAcceptedPromptly, expectActionableAnswer, expectRunFollowsEveryRule } from '../expectations/run-expectations';
import { expectHistoryExactlyOnce } from '../expectations/history-expectations';

/**
 * What the steps do, one function per step, in domain terms. Step
 * definitions stay one-liners and this module holds the orchestration.
 */
export async function openChat(world: GoldenPathWorld, name: string): Promise<void> {
  await world.user(name).openChat();
}

export function ask(world: GoldenPathWorld, name: string, request: ChatRequest): void {
  const message = world.user(name).ask(request);
  message.duringFault = world.dependencyBroken;
}

export async function messageAcceptedPromptly(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  await expectAcceptedPromptly(user, user.latestMessage, world.profile);
}

/** Watches the latest run to its end and holds it to every event rule; logs the timing figures. */
export async function watchRunFollowRules(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const run = await user.watchRun(user.latestMessage);
  const figures = expectRunFollowsEveryRule(user, run, world.profile);
  const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${value.toFixed(0)} ms`);
  world.log(
    `${name}'s run ${run.accepted.runId.slice(0, 8)}: accepted after ${ms(figures.acceptedMs)}, agent_started ${ms(figures.startedMs)} later, ` +
      `longest gap ${ms(figures.longestGapMs)}, answer after ${ms(figures.totalMs)}; ${run.events.length} events`,
  );
}

export function receivedActionableAnswer(world: GoldenPathWorld, name: string): void {
  const user = world.user(name);
  expectActionableAnswer(user, user.latestRun);
}

export async function conversationInHistory(world: GoldenPathWorld, name: string): Promise<void> {
  await expectHistoryExactlyOnce(world.user(name), world.endpoint, world.profile);
}
