import { frameData, frameType, isRunEventType, type ReceivedFrame } from '../domain/frames';

/** One event of a run as the oracle sees it: the wire fields, unvalidated. */
export interface ObservedEvent {
  readonly type: string;
  readonly seq: unknown;
  readonly runId: unknown;
  readonly threadId: unknown;
  readonly userId: unknown;
  readonly data: Record<string, unknown>;
}

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
  };
}

/** The run events among `frames` that carry `runId`, in arrival order. */
export function eventsOfRun(frames: readonly ReceivedFrame[], runId: string): ObservedEvent[] {
  return frames.flatMap((frame) => {
    const event = observedEvent(frame);
    return event !== undefined && event.runId === runId ? [event] : [];
  });
}

/** Run events whose run_id names none of `knownRunIds`. */
export function strayEvents(frames: readonly ReceivedFrame[], knownRunIds: ReadonlySet<string>): ObservedEvent[] {
  return frames.flatMap((frame) => {
    const event = observedEvent(frame);
    return event !== undefined && !knownRunIds.has(String(event.runId)) ? [event] : [];
  });
}

export const isCompletion = (event: ObservedEvent): boolean => event.type === 'agent_completed';
