import type { ChatUser, SentMessage, WatchedRun } from '../actors/chat-user';
import type { EnvironmentProfile } from '../config/environment-profile';
import { reviewRun } from '../oracle/event-rules';
import { strayEvents } from '../oracle/run-events';
import { reviewTiming, type TimingFigures } from '../oracle/timing-rules';
import { failIfAny } from './violation-error';
import { outcomeCounters } from '../report/success-metrics';

/** PROTOCOL §4/§5: message_accepted arrives, within the profile's limit. */
export async function expectAcceptedPromptly(user: ChatUser, message: SentMessage, profile: EnvironmentProfile): Promise<void> {
  const accepted = await user.awaitAccepted(message);
  const waitedMs = accepted.frame.receivedAt - message.frame.sentAt;
  failIfAny(`${user.name}'s message was accepted too slowly`, waitedMs > profile.acceptedWithinMs
    ? [`${user.name} waited ${(waitedMs / 1000).toFixed(2)} s for message_accepted (limit ${(profile.acceptedWithinMs / 1000).toFixed(1)} s): the message looks unsent, and users press send again`]
    : []);
}

/**
 * The oracle applied to a watched run: every event rule of PROTOCOL §5, no
 * stray events of runs the user never started, and the timing rules.
 * Returns the timing figures for the report.
 */
export function expectRunFollowsEveryRule(user: ChatUser, run: WatchedRun, profile: EnvironmentProfile): TimingFigures {
  const ruleViolations = reviewRun({
    who: user.name,
    runId: run.accepted.runId,
    threadId: run.accepted.threadId,
    userId: user.id,
    events: run.events,
    asksForAnalysis: run.message.request.asksForAnalysis,
  }).map((violation) => `${violation.rule}: ${violation.message}`);
  const strays = strayEvents(run.connection.received, user.knownRunIds()).map(
    (event) => `events belong to runs the user started: ${event.type} seq ${JSON.stringify(event.seq)} names run ${JSON.stringify(event.runId)}, which ${user.name} never started — an event went astray, so her run is missing it and someone's screen shows a step that is not theirs`,
  );
  const timing = reviewTiming(
    {
      who: user.name,
      runId: run.accepted.runId,
      sentAt: run.message.frame.sentAt,
      acceptedAt: run.accepted.frame.receivedAt,
      events: run.frames.map((frame) => ({ type: String(frame.frame?.type), receivedAt: frame.receivedAt })),
    },
    profile,
  );
  const violations = [...ruleViolations, ...strays, ...timing.violations.map((violation) => `${violation.rule}: ${violation.message}`)];
  if (violations.length === 0) outcomeCounters.runsComplete += 1;
  else outcomeCounters.runsBroken += 1;
  failIfAny(`${user.name}'s run ${run.accepted.runId.slice(0, 8)} broke the event rules`, violations);
  return timing.figures;
}

/** The run ended with success and at least one titled recommendation. */
export function expectActionableAnswer(user: ChatUser, run: WatchedRun): void {
  const completion = run.events.find((event) => event.type === 'agent_completed');
  const status = completion?.data.status;
  const error = completion?.data.error;
  failIfAny(`${user.name} did not get an answer`, status === 'success'
    ? []
    : [`the run ended with status ${JSON.stringify(status)}${error === undefined ? '' : ` and error ${JSON.stringify(error)}`}: ${user.name} asked for advice on her spend and got none`]);
  const violations = reviewRun({
    who: user.name,
    runId: run.accepted.runId,
    threadId: run.accepted.threadId,
    userId: user.id,
    events: run.events,
    asksForAnalysis: run.message.request.asksForAnalysis,
  }).filter((violation) => violation.rule === 'a successful answer is actionable');
  failIfAny(`${user.name}'s answer is not actionable`, violations.map((violation) => violation.message));
}
