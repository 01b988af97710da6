import type { GoldenPathWorld } from '../world';
import { eventsOfRun } from '../oracle/run-events';
import { reviewRun } from '../oracle/event-rules';
import { failIfAny } from '../expectations/violation-error';
import { outcomeCounters } from '../report/success-metrics';

/**
 * Steps that break a backend's dependencies (through the fault proxies of a
 * backend of the scenario's own) and check that users are never left in
 * silence (PROTOCOL §5 "failure is never silent", §6).
 */

export async function breakableChatService(world: GoldenPathWorld, paced: boolean): Promise<void> {
  await world.useOwnBackend({ AGENT_STEP_DELAY_MS: String(paced ? world.profile.pacedStepDelayMs : 0) });
}

/** Waits until the latest run of `name` is using a tool, then cuts PostgreSQL. */
export async function databaseFailsMidRun(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const accepted = await user.awaitAccepted(message);
  await message.connection.waitFor('waiting for the agent to start using a tool', world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames, accepted.runId).find((event) => event.type === 'tool_executing'),
  );
  world.ownBackend.postgres.cut();
  world.failureStartedAt = performance.now();
}

/** The run ends with an explicit error, within the limit after the failure, and still follows every event rule. */
export async function toldRunFailed(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const accepted = await user.awaitAccepted(message);
  const failedAt = world.failureStartedAt ?? performance.now();
  const completion = await message.connection.waitFor(
    `waiting for the run to end after its database failed — without it the user waits forever`,
    world.profile.failureEndsWithinMs,
    (frames) => frames.find((frame) => frame.frame?.run_id === accepted.runId && frame.frame.type === 'agent_completed'),
  );
  const run = await user.watchRun(message);
  const violations = reviewRun({
    who: name,
    runId: accepted.runId,
    threadId: accepted.threadId,
    userId: user.id,
    events: run.events,
    asksForAnalysis: message.request.asksForAnalysis,
  }).map((violation) => `${violation.rule}: ${violation.message}`);
  const status = (completion.frame?.data as { status?: unknown } | undefined)?.status;
  if (status !== 'error') {
    violations.push(`the run ended with status ${JSON.stringify(status)} although its database was gone: ${name} is shown an answer that could not have been computed or saved`);
  }
  const endedAfterMs = completion.receivedAt - failedAt;
  if (endedAfterMs > world.profile.failureEndsWithinMs) {
    violations.push(`the run ended ${(endedAfterMs / 1000).toFixed(1)} s after the failure (limit ${world.profile.failureEndsWithinMs / 1000} s): ${name} stared at a frozen chat`);
  }
  if (violations.length === 0) outcomeCounters.runsComplete += 1;
  else outcomeCounters.runsBroken += 1;
  failIfAny(`${name}'s failed run was not reported properly`, violations);
  world.log(`the run ended in error ${endedAfterMs.toFixed(0)} ms after its database failed`);
}
