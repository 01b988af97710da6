import type { RunEventType } from '../../../protocol/constants';
import { serializeRunEvent, type RunEventData } from '../frames/server-frames';
import type { RunIdentity } from './run-events';

/** A run event with its seq, serialized once: the exact text stored and delivered. */
export interface EncodedRunEvent {
  readonly seq: number;
  readonly type: RunEventType;
  readonly frameText: string;
}

/** Numbers one run's events and serializes them. */
export interface RunEventEncoder {
  /** The seq of the last event encoded. */
  readonly lastSeq: number;
  encode<T extends RunEventType>(type: T, data: RunEventData[T]): EncodedRunEvent;
  /** The next event gets `seq` (after a success that could not be stored: the seq it had). */
  continueFrom(seq: number): void;
}

/** Protocol §5: seq 1, 2, 3, … within the run; every frame carries the run's ids. */
export class SequentialRunEventEncoder implements RunEventEncoder {
  private seq = 0;

  constructor(private readonly run: RunIdentity) {}

  get lastSeq(): number {
    return this.seq;
  }

  encode<T extends RunEventType>(type: T, data: RunEventData[T]): EncodedRunEvent {
    this.seq += 1;
    return { seq: this.seq, type, frameText: serializeRunEvent(type, { ...this.run, seq: this.seq }, data) };
  }

  continueFrom(seq: number): void {
    this.seq = seq - 1;
  }
}
