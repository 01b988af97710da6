import type { ChatUser } from '../../actors/chat-user';
import type { ChatConnection } from '../../client/chat-connection';
import type { EnvironmentProfile } from '../../config/environment-profile';
import { frameData, frameType, type ReceivedFrame } from '../../domain/frames';
import type { DependencyChange } from '../../scenario/outages';
import type { OwnBackend } from '../../target/own-backend';
import type { FaultWindow, ObservedConnection, ObservedFrame, ObservedRefusal, TimelineInput, WindowKind } from './model';

/**
 * What a scenario's actors and steps saw, as the timeline's input: every
 * tab's frames both ways and its close, every refused handshake, the
 * dependency changes the scenario made and the restarts of its own backends.
 */
export interface ScenarioObservations {
  readonly origin: number;
  readonly endAt: number;
  readonly users: readonly ChatUser[];
  readonly dependencyChanges: readonly DependencyChange[];
  readonly ownBackends: readonly OwnBackend[];
  /** Frames a real browser saw (support/scenario/browser.ts), in suite time. */
  readonly browsers: ReadonlyArray<{ readonly owner: string; readonly startedAt: number; readonly frames: readonly ReceivedFrame[]; readonly ending: string }>;
  readonly profile: Pick<EnvironmentProfile, 'replyWithinMs' | 'maxEventGapMs'>;
}

export function timelineInput(observed: ScenarioObservations): TimelineInput {
  const connections: ObservedConnection[] = observed.users.flatMap((user) => user.tabs.map((tab) => observeConnection(tab, user)));
  for (const browser of observed.browsers) {
    const received = browser.frames.map((frame) => observeFrame({ ...frame, receivedAt: browser.startedAt + frame.receivedAt }));
    // The page closes with 1000 once the run completed, or reports the server's close; the last frame is as close in time as the page tells.
    const code = browser.ending === 'completed' ? 1000 : Number(/closed with code (\d+)/.exec(browser.ending)?.[1] ?? Number.NaN);
    const lastAt = received.at(-1)?.at ?? browser.startedAt;
    connections.push({
      label: `${browser.owner}'s browser`,
      owner: browser.owner,
      inCrowd: false,
      connectStartedAt: browser.startedAt,
      openedAt: browser.startedAt,
      sent: [],
      received,
      ...(Number.isNaN(code) ? {} : { close: { at: lastAt, code, reason: '' } }),
    });
  }
  const refusals: ObservedRefusal[] = observed.users.flatMap((user) => user.attempts.flatMap((attempt): ObservedRefusal[] => {
    if (attempt.tab !== undefined) return [];
    const what = attempt.refusal !== undefined ? `HTTP ${attempt.refusal.status}` : 'no answer';
    return [{ label: attempt.label, owner: user.name, inCrowd: user.inCrowd, at: attempt.startedAt, what }];
  }));
  return {
    origin: observed.origin,
    endAt: observed.endAt,
    connections,
    refusals,
    windows: [...dependencyWindows(observed.dependencyChanges), ...backendWindows(observed.ownBackends, observed.endAt)],
    quietThresholdMs: observed.profile.replyWithinMs,
    maxGapMs: observed.profile.maxEventGapMs,
  };
}

function observeConnection(tab: ChatConnection, user: ChatUser): ObservedConnection {
  return {
    label: tab.label,
    owner: user.name,
    inCrowd: user.inCrowd,
    connectStartedAt: tab.connectStartedAt,
    openedAt: tab.openedAt,
    sent: tab.sent.map((frame) => ({ at: frame.sentAt, type: frame.type })),
    received: tab.received.map(observeFrame),
    ...(tab.closeEvent === undefined ? {} : { close: tab.closeEvent }),
  };
}

function observeFrame(frame: ReceivedFrame): ObservedFrame {
  const type = frameType(frame) ?? (frame.frame === undefined ? '(not JSON)' : '(no type)');
  const data = frameData(frame);
  const runId = type === 'message_accepted' ? data.run_id : frame.frame?.run_id;
  return {
    at: frame.receivedAt,
    type,
    ...(typeof runId === 'string' ? { runId } : {}),
    ...(type === 'agent_completed' && typeof data.status === 'string' ? { status: data.status } : {}),
    ...(type === 'error' && typeof data.code === 'string' ? { code: data.code } : {}),
  };
}

const DEPENDENCY_NAMES = { postgres: 'database', redis: 'cache' } as const;

/** From each cut, blackhole or slowdown of a dependency to its restore (or the end). */
export function dependencyWindows(changes: readonly DependencyChange[]): FaultWindow[] {
  const windows: FaultWindow[] = [];
  const open = new Map<string, { kind: WindowKind; from: number }>();
  const close = (dependency: string, at: number): void => {
    const current = open.get(dependency);
    if (current !== undefined) windows.push({ ...current, to: at });
    open.delete(dependency);
  };
  for (const change of [...changes].sort((a, b) => a.at - b.at)) {
    close(change.dependency, change.at);
    if (change.change === 'restored') continue;
    const name = DEPENDENCY_NAMES[change.dependency];
    const how = change.change === 'cut' ? (name === 'cache' ? 'down' : 'cut') : change.change === 'slowed' ? 'slow' : 'blackholed';
    open.set(change.dependency, { kind: `${name} ${how}` as WindowKind, from: change.at });
  }
  for (const current of open.values()) windows.push(current);
  return windows;
}

/** Restarts and kills of the scenario's own backends, and a shutdown (SIGTERM) a step began before the steps ended. */
export function backendWindows(backends: readonly OwnBackend[], endAt: number): FaultWindow[] {
  return backends.flatMap((own): FaultWindow[] => {
    const process = own.backend.process;
    const drain: FaultWindow[] = process.signalledAt !== undefined && process.signalledAt < endAt
      ? [{ kind: 'shutdown', from: process.signalledAt, ...(process.exitedAt === undefined ? {} : { to: process.exitedAt }) }]
      : [];
    return [...own.interruptions.map((interruption) => ({ kind: interruption.kind, from: interruption.from, to: interruption.to })), ...drain];
  });
}
