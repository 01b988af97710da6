import { frameData, frameType, isRunEventType, type ReceivedFrame } from '../domain/frames';

/** One event of a run as the oracle sees it: the wire fields, unvalidated. */
export interface ObservedEvent {
  readonly type: string;
  readonly seq: unknown;
  readonly runId: unknown;
  readonly threadId: unknown;
  readonly userId: unknown;
  readonly data: Record<string, unknown>;
  /** Position of the frame on its connection. */
  readonly index: number;
  readonly receivedAt: number;
  readonly text: string;
}

/** The run event a frame carries, or undefined for any other frame (frame types a client does not know are ignored, PROTOCOL §4). */
export function observedEvent(frame: ReceivedFrame): ObservedEvent | undefined {
  const type = frameType(frame);
  if (!isRunEventType(type) || frame.frame === undefined) return undefined;
  return {
    type,
    seq: frame.frame.seq,
    runId: frame.frame.run_id,
    threadId: frame.frame.thread_id,
    userId: frame.frame.user_id,
    data: frameData(frame),
    index: frame.index,
    receivedAt: frame.receivedAt,
    text: frame.text,
  };
}

/** Every run event among `frames`, in arrival order, whatever run it names. */
export function runEventsIn(frames: readonly ReceivedFrame[]): ObservedEvent[] {
  return frames.flatMap((frame) => observedEvent(frame) ?? []);
}

/** The run events among `frames` that carry `runId`, in arrival order. */
export function eventsOfRun(frames: readonly ReceivedFrame[], runId: string): ObservedEvent[] {
  return runEventsIn(frames).filter((event) => event.runId === runId);
}

/**
 * The events the oracle reviews for one run on one connection, taken from
 * the frames BEFORE they are grouped by run_id: the run's own events, plus
 * every event that names none of the user's runs and arrived while the run
 * was going — so an event whose run_id the server got wrong is judged as part
 * of the run it interrupts (PROTOCOL §5: every frame carries the run's run_id).
 */
export function eventsUnderReview(frames: readonly ReceivedFrame[], runId: string, knownRunIds: ReadonlySet<string>): ObservedEvent[] {
  const events = runEventsIn(frames);
  const own = events.filter((event) => event.runId === runId);
  const first = own[0];
  if (first === undefined) return [];
  const end = own.find((event) => event.type === 'agent_completed')?.index ?? Number.POSITIVE_INFINITY;
  return events.filter((event) => event.runId === runId || (!knownRunIds.has(String(event.runId)) && event.index > first.index && event.index < end));
}

/** Run events whose run_id names none of `knownRunIds`. */
export function strayEvents(frames: readonly ReceivedFrame[], knownRunIds: ReadonlySet<string>): ObservedEvent[] {
  return runEventsIn(frames).filter((event) => !knownRunIds.has(String(event.runId)));
}

/** The highest seq a connection received of the run (0 when none). */
export function lastSeqSeen(frames: readonly ReceivedFrame[], runId: string): number {
  return Math.max(0, ...eventsOfRun(frames, runId).map((event) => (typeof event.seq === 'number' ? event.seq : 0)));
}
