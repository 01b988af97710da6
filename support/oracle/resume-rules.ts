import type { ReceivedFrame } from '../domain/frames';
import { parseJson, sameJsonValue } from '../domain/json';
import { eventsOfRun } from './run-events';
import { violation, type Violation } from './violation';

interface SeqFrame {
  readonly seq: number;
  readonly text: string;
  readonly type: string;
}

function runFrames(frames: readonly ReceivedFrame[], runId: string): SeqFrame[] {
  return eventsOfRun(frames, runId).flatMap((event) => (typeof event.seq === 'number' ? [{ seq: event.seq, text: event.text, type: event.type }] : []));
}

const sameCopy = (a: string, b: string): boolean => sameJsonValue(parseJson(a), parseJson(b));
const short = (runId: string): string => runId.slice(0, 8);

export const RESUME_RULE_IDS = ['GP-5.19', 'GP-5.20', 'GP-5.21'] as const;

/**
 * PROTOCOL §5 after a `resume`: the replay starts with event `after_seq + 1`
 * (nothing at or below it is replayed) and goes on in increasing order,
 * without gaps, to the run's end. Live events already on their way when the
 * server took the resume may arrive before the replay, so an event may be
 * seen twice — but only as an identical JSON value of one that came before
 * the replay, and after the replay each event arrives once.
 *
 * `framesBefore`: what the connection had received before it sent the resume;
 * `framesAfter`: what it received since.
 */
export function reviewResumedStream(who: string, runId: string, afterSeq: number, framesBefore: readonly ReceivedFrame[], framesAfter: readonly ReceivedFrame[]): Violation[] {
  const before = runFrames(framesBefore, runId);
  const frames = runFrames(framesAfter, runId);
  const last = [...before, ...frames].find((frame) => frame.type === 'agent_completed')?.seq;
  // Where the replay begins is not marked on the wire: a live copy of after_seq + 1 may be in flight ahead of it.
  // Of the places it could begin, the one that explains the stream best is taken.
  const starts = frames.flatMap((frame, index) => (frame.seq === afterSeq + 1 ? [index] : []));
  if (starts.length === 0) {
    if (last !== undefined && last <= afterSeq) return []; // nothing to replay: the run had ended at or before after_seq
    return [violation('GP-5.19', `after resuming from seq ${afterSeq}, ${who} never received event ${afterSeq + 1} of run ${short(runId)}${refusal(framesAfter, runId)}: the part of the answer she missed while offline is lost for good`)];
  }
  const readings = starts.map((start) => replayFrom(start, { who, runId, afterSeq, last, before, frames }));
  return readings.reduce((best, reading) => (reading.length < best.length ? reading : best));
}

/** How the resume was refused, when an error about the run (or about no run) came back instead of the replay. */
function refusal(framesAfter: readonly ReceivedFrame[], runId: string): string {
  const error = framesAfter.find((received) => received.frame?.type === 'error' && [undefined, runId].includes((received.frame as { run_id?: string }).run_id))?.frame;
  if (error === undefined) return '';
  const data = (error as { data?: { code?: unknown; message?: unknown } }).data;
  return ` — the resume was answered with error ${String(data?.code)} (${JSON.stringify(data?.message)})`;
}

interface ResumedStream {
  readonly who: string;
  readonly runId: string;
  readonly afterSeq: number;
  readonly last: number | undefined;
  readonly before: readonly SeqFrame[];
  readonly frames: readonly SeqFrame[];
}

/** The violations of the stream read as: live events in flight up to `start`, the replay from there. */
function replayFrom(start: number, { who, runId, afterSeq, last, before, frames }: ResumedStream): Violation[] {
  const earlier = new Map(before.map((frame) => [frame.seq, frame.text]));
  const violations: Violation[] = [];
  const inFlight = new Map<number, string>();
  for (const frame of frames.slice(0, start)) {
    // Live events in flight are the run's later ones: a copy at or below after_seq that this connection never had is a replay of it.
    if (frame.seq <= afterSeq && !earlier.has(frame.seq)) {
      violations.push(violation('GP-5.19', `after resuming from seq ${afterSeq}, ${who} was sent seq ${frame.seq} of run ${short(runId)}: the replay must start after what she already has, or her screen repeats steps`));
    }
    inFlight.set(frame.seq, frame.text);
  }
  let expected = afterSeq + 1;
  const replayed = new Set<number>();
  for (const frame of frames.slice(start)) {
    const copy = inFlight.get(frame.seq) ?? earlier.get(frame.seq);
    if (frame.seq === expected) {
      if (copy !== undefined && !sameCopy(copy, frame.text)) violations.push(twoVersions(who, runId, frame.seq));
      replayed.add(frame.seq);
      expected += 1;
    } else if (replayed.has(frame.seq)) {
      violations.push(violation('GP-5.21', `after the replay, ${who} received seq ${frame.seq} of run ${short(runId)} once more: each event after the replay must arrive once, or clients that do not deduplicate show the step twice`));
    } else if (frame.seq <= afterSeq) {
      violations.push(violation('GP-5.19', `the replay of run ${short(runId)} from seq ${afterSeq} sent seq ${frame.seq}, at or below where ${who} resumed: she is shown again what she already had`));
    } else {
      violations.push(
        violation('GP-5.19', frame.seq > expected
          ? `after resuming, ${who} received seq ${frame.seq} of run ${short(runId)} while ${expected} was still missing: the replay skipped part of the run, so she sees an answer with steps missing`
          : `after resuming, ${who} received seq ${frame.seq} of run ${short(runId)} out of order: the steps she is shown are scrambled`),
      );
    }
  }
  if (last === undefined || expected - 1 < last) {
    violations.push(violation('GP-5.19', `after resuming, ${who}'s stream of run ${short(runId)} stopped at seq ${expected - 1}${last === undefined ? ' without agent_completed' : ` before the end at ${last}`}: she never sees the answer she came back for`));
  }
  return violations;
}

function twoVersions(who: string, runId: string, seq: number): Violation {
  return violation('GP-5.20', `${who} received two different versions of seq ${seq} of run ${short(runId)}: a repeat must be the same JSON value, otherwise clients that deduplicate by (run_id, seq) keep whichever came first and show the wrong thing`);
}

/** Together, the connections saw every seq of the run from 1 to its agent_completed (PROTOCOL §5: runs belong to the server). */
export function reviewCoverage(who: string, runId: string, connections: ReadonlyArray<readonly ReceivedFrame[]>): Violation[] {
  const frames = connections.flatMap((received) => runFrames(received, runId));
  const last = frames.find((frame) => frame.type === 'agent_completed')?.seq;
  if (last === undefined) return [violation('GP-5.17', `none of ${who}'s connections received agent_completed of run ${short(runId)}: after reconnecting she still has no answer`)];
  const seqs = new Set(frames.map((frame) => frame.seq));
  const missing = Array.from({ length: last }, (_, index) => index + 1).filter((seq) => !seqs.has(seq));
  return missing.length === 0
    ? []
    : [violation('GP-5.17', `across ${who}'s connections, events ${missing.join(', ')} of run ${short(runId)} never arrived: what happened while she was offline is lost, which is exactly what resume exists to prevent`)];
}
