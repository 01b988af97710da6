import type { ReceivedFrame } from '../domain/frames';

/**
 * A plain-words notation for example event streams, so the rules can be
 * written down as living documentation that product and QA can read:
 *
 *   "started, thinking, tool A starts, tool A ends, answer"
 *
 * Words: `started`, `thinking`, `blank thought`, `tool X starts`,
 * `tool X ends`, `tool X fails`, `answer`, `answer without recommendations`,
 * `answer without summary`, `failure`, `unexplained failure`, and
 * `notice` (a frame type the protocol does not define — to be ignored).
 * A suffix changes one event: `(seq N)`, `(other run)`, `(other thread)`,
 * `(other user)`. `again` is the event before it, delivered once more (the
 * very same frame).
 */
export const EXAMPLE_RUN = { runId: 'run-under-review', threadId: 'thread-of-alice', userId: 'alice' } as const;

interface Token {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

const answer = { status: 'success', duration_ms: 12, result: { summary: 'Cache the repeated system prompt.', recommendations: [{ title: 'Enable prompt caching' }] } };

function token(word: string): Token | undefined {
  const tool = /^tool (\w+) (starts|ends|fails)$/.exec(word);
  if (tool !== null) {
    const [, name, what] = tool as unknown as [string, string, string];
    const call = { tool_call_id: `call-${name}`, tool_name: `tool_${name}` };
    if (what === 'starts') return { type: 'tool_executing', data: { ...call, args: {} } };
    return { type: 'tool_completed', data: { ...call, status: what === 'ends' ? 'success' : 'error', duration_ms: 3, ...(what === 'ends' ? { result: {} } : {}) } };
  }
  switch (word) {
    case 'started':
      return { type: 'agent_started', data: { agent_name: 'advisor' } };
    case 'thinking':
      return { type: 'agent_thinking', data: { thought: 'Reading the figures', step: 1 } };
    case 'blank thought':
      return { type: 'agent_thinking', data: { thought: '', step: 1 } };
    case 'answer':
      return { type: 'agent_completed', data: answer };
    case 'answer without recommendations':
      return { type: 'agent_completed', data: { ...answer, result: { summary: 'Nothing to do.', recommendations: [] } } };
    case 'answer without summary':
      return { type: 'agent_completed', data: { ...answer, result: { summary: '', recommendations: [{ title: 'Enable prompt caching' }] } } };
    case 'failure':
      return { type: 'agent_completed', data: { status: 'error', duration_ms: 5, error: { code: 'TOOL_FAILED', message: 'the pricing tool failed', retryable: true } } };
    case 'unexplained failure':
      return { type: 'agent_completed', data: { status: 'error', duration_ms: 5 } };
    case 'notice':
      return { type: 'usage_notice', data: { note: 'a frame type this client does not know' } };
    default:
      return undefined;
  }
}

/**
 * The frames a connection would receive for a stream written in the
 * notation — unknown frame types included: the oracle's examples go through
 * the same filter and grouping as every live run (see eventsUnderReview).
 */
export function framesOfStream(stream: string): ReceivedFrame[] {
  let seq = 0;
  const frames: ReceivedFrame[] = [];
  for (const raw of stream.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    if (raw === 'again') {
      const previous = frames.at(-1);
      if (previous === undefined) throw new Error('"again" repeats the event before it: it cannot come first');
      frames.push({ ...previous, index: frames.length, receivedAt: frames.length });
      continue;
    }
    const modifier = /^(.*?)\s*\((seq (\d+)|other run|other thread|other user)\)$/.exec(raw);
    const word = modifier?.[1] ?? raw;
    const parsed = token(word);
    if (parsed === undefined) throw new Error(`"${word}" is not a word of the event stream notation (see support/oracle/stream-notation.ts)`);
    const index = frames.length;
    const timestamp = new Date(Date.UTC(2026, 11, 2, 9, 0, index)).toISOString();
    if (parsed.type === 'usage_notice') {
      const frame = { type: parsed.type, timestamp, data: parsed.data };
      frames.push({ index, receivedAt: index, text: JSON.stringify(frame), frame });
      continue;
    }
    seq = modifier?.[3] === undefined ? seq + 1 : Number(modifier[3]);
    const frame = {
      type: parsed.type,
      timestamp,
      run_id: modifier?.[2] === 'other run' ? 'some-other-run' : EXAMPLE_RUN.runId,
      thread_id: modifier?.[2] === 'other thread' ? 'some-other-thread' : EXAMPLE_RUN.threadId,
      user_id: modifier?.[2] === 'other user' ? 'mallory' : EXAMPLE_RUN.userId,
      seq,
      data: parsed.data,
    };
    frames.push({ index, receivedAt: index, text: JSON.stringify(frame), frame });
  }
  return frames;
}
