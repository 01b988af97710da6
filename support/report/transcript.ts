import type { ChatConnection } from '../client/chat-connection';
import { describeClose } from '../client/chat-connection';
import { frameData, frameType, type ReceivedFrame } from '../domain/frames';

interface Line {
  readonly at: number;
  readonly text: string;
}

const short = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 8) : JSON.stringify(value));
const quote = (value: unknown, max = 90): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.length > max ? `${text.slice(0, max)}…` : text}"`;
};

/** One received frame in words a reader of the report can follow. */
export function describeFrame(frame: ReceivedFrame): string {
  const type = frameType(frame);
  const data = frameData(frame);
  const seq = typeof frame.frame?.seq === 'number' ? `#${frame.frame.seq} ` : '';
  switch (type) {
    case undefined:
      return `(not a JSON object) ${quote(frame.text, 120)}`;
    case 'connection_established':
      return `connection_established as ${String(data.user_id)}, protocol ${String(data.protocol_version)}, degraded: ${Array.isArray(data.degraded) && data.degraded.length > 0 ? data.degraded.join(', ') : 'none'}`;
    case 'message_accepted':
      return `message_accepted: message ${short(data.message_id)} in thread ${short(data.thread_id)} starts run ${short(data.run_id)}`;
    case 'agent_started':
      return `${seq}agent_started (${String(data.agent_name)}) run ${short(frame.frame?.run_id)}`;
    case 'agent_thinking':
      return `${seq}agent_thinking ${quote(data.thought)}`;
    case 'tool_executing':
      return `${seq}tool_executing ${String(data.tool_name)} [call ${short(data.tool_call_id)}] with ${quote(data.args, 80)}`;
    case 'tool_completed':
      return `${seq}tool_completed ${String(data.tool_name)} [call ${short(data.tool_call_id)}] ${String(data.status)} in ${String(data.duration_ms)} ms`;
    case 'agent_completed': {
      if (data.status !== 'success') return `${seq}agent_completed ${String(data.status)}: ${quote(data.error, 160)}`;
      const result = (data.result ?? {}) as { summary?: unknown; recommendations?: unknown };
      const titles = Array.isArray(result.recommendations)
        ? result.recommendations.map((item: unknown) => String((item as { title?: unknown }).title)).join('; ')
        : 'none';
      return `${seq}agent_completed success in ${String(data.duration_ms)} ms: ${quote(result.summary, 140)} — recommendations: ${titles}`;
    }
    case 'error':
      return `error ${String(data.code)}${data.retryable === true ? ' (retryable)' : ''}: ${quote(data.message)}`;
    case 'pong':
      return `pong ${quote(data.nonce ?? null, 60)}`;
    default:
      return `${type} ${quote(frame.text, 120)}`;
  }
}

/** A readable transcript of every connection of a scenario, in time order. */
export function transcript(connections: ReadonlyArray<ChatConnection>, origin: number): string {
  const lines: Line[] = [];
  const stamp = (at: number): string => `+${((at - origin) / 1000).toFixed(3)}s`.padStart(9);
  for (const connection of connections) {
    lines.push({ at: connection.openedAt, text: `${connection.label} ⇄ connected${connection.protocol === '' ? '' : ` (subprotocol ${connection.protocol})`} after ${(connection.openedAt - connection.connectStartedAt).toFixed(0)} ms` });
    for (const sent of connection.sent) {
      const content = sent.type === 'user_message' ? describeSent(sent.text) : quote(sent.text, 120);
      lines.push({ at: sent.sentAt, text: `${connection.label} → ${sent.type} ${content}` });
    }
    for (const frame of connection.received) lines.push({ at: frame.receivedAt, text: `${connection.label} ← ${describeFrame(frame)}` });
    const closed = connection.closeEvent;
    if (closed !== undefined) lines.push({ at: closed.at, text: `${connection.label} ✕ closed, ${describeClose(closed)}` });
  }
  return lines
    .sort((a, b) => a.at - b.at)
    .map((line) => `${stamp(line.at)}  ${line.text}`)
    .join('\n');
}

function describeSent(text: string): string {
  const parsed = JSON.parse(text) as { data?: { content?: unknown; client_message_id?: unknown; thread_id?: unknown } };
  const thread = parsed.data?.thread_id === undefined ? 'new thread' : `thread ${short(parsed.data.thread_id)}`;
  return `${quote(parsed.data?.content)} [${thread}, client_message_id ${short(parsed.data?.client_message_id)}]`;
}
