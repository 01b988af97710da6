import type { ReceivedFrame } from '../domain/frames';
import { observedEvent } from './run-events';

interface SeqFrame {
  readonly seq: number;
  readonly text: string;
  readonly type: string;
}

function runFrames(frames: readonly ReceivedFrame[], runId: string): SeqFrame[] {
  return frames.flatMap((frame) => {
    const event = observedEvent(frame);
    return event !== undefined && event.runId === runId && typeof event.seq === 'number' ? [{ seq: event.seq, text: frame.text, type: event.type }] : [];
  });
}

/**
 * PROTOCOL §5 after a `resume`: from `after_seq + 1` the connection receives
 * the run in increasing order, without gaps, to its end. Live events already
 * in flight may arrive first, and an event may then be seen twice — but only
 * as an identical copy of one this connection already had.
 */
export function reviewResumedStream(who: string, runId: string, afterSeq: number, framesAfterResume: readonly ReceivedFrame[]): string[] {
  const frames = runFrames(framesAfterResume, runId);
  const last = frames.find((frame) => frame.type === 'agent_completed')?.seq;
  const violations: string[] = [];
  const seen = new Map<number, string>();
  const start = frames.findIndex((frame) => frame.seq === afterSeq + 1);
  if (start === -1) {
    return [`after resuming from seq ${afterSeq}, ${who} never received event ${afterSeq + 1} of run ${runId.slice(0, 8)}: the part of the answer she missed while offline is lost for good`];
  }
  for (const frame of frames.slice(0, start)) seen.set(frame.seq, frame.text);
  let expected = afterSeq + 1;
  for (const frame of frames.slice(start)) {
    const earlier = seen.get(frame.seq);
    if (frame.seq === expected) {
      if (earlier !== undefined && earlier !== frame.text) violations.push(twoVersions(who, runId, frame.seq));
      seen.set(frame.seq, frame.text);
      expected += 1;
    } else if (earlier === undefined) {
      violations.push(
        frame.seq > expected
          ? `after resuming, ${who} received seq ${frame.seq} of run ${runId.slice(0, 8)} while ${expected} was still missing: the replay skipped part of the run, so she sees an answer with steps missing`
          : `after resuming, ${who} received seq ${frame.seq} of run ${runId.slice(0, 8)} out of order: the steps she is shown are scrambled`,
      );
    } else if (earlier !== frame.text) {
      violations.push(twoVersions(who, runId, frame.seq));
    }
  }
  if (last === undefined || expected - 1 < last) {
    violations.push(`after resuming, ${who}'s stream of run ${runId.slice(0, 8)} stopped at seq ${expected - 1}${last === undefined ? ' without agent_completed' : ` before the end at ${last}`}: she never sees the answer she came back for`);
  }
  return violations;
}

function twoVersions(who: string, runId: string, seq: number): string {
  return `${who} received two different versions of seq ${seq} of run ${runId.slice(0, 8)}: a repeat must be an identical copy, otherwise clients that deduplicate by (run_id, seq) keep whichever came first and show the wrong thing`;
}

/** Together, the connections saw every seq of the run from 1 to its agent_completed. */
export function reviewCoverage(who: string, runId: string, connections: ReadonlyArray<readonly ReceivedFrame[]>): string[] {
  const frames = connections.flatMap((received) => runFrames(received, runId));
  const last = frames.find((frame) => frame.type === 'agent_completed')?.seq;
  if (last === undefined) return [`none of ${who}'s connections received agent_completed of run ${runId.slice(0, 8)}: after reconnecting she still has no answer`];
  const seqs = new Set(frames.map((frame) => frame.seq));
  const missing = Array.from({ length: last }, (_, index) => index + 1).filter((seq) => !seqs.has(seq));
  return missing.length === 0
    ? []
    : [`across ${who}'s connections, events ${missing.join(', ')} of run ${runId.slice(0, 8)} never arrived: what happened while she was offline is lost, which is exactly what resume exists to prevent`];
}
