import type { ObservedEvent } from '../../oracle/run-events';
import { violation, type Judgement, type Violation } from '../../oracle/violation';

const short = (id: string): string => id.slice(0, 8);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** How a run whose instance died was seen to end, on one tab. */
export interface DeadRunObservation {
  readonly who: string;
  /** Where it was seen: "Alice/tab-2@second, live", "her resume on the restarted instance". */
  readonly where: string;
  readonly runId: string;
  /** The run's events on that tab, from where the observation begins. */
  readonly events: readonly ObservedEvent[];
  /** GP-5.25 (another instance shares the database) or GP-5.26 (alone: the next instance's startup). */
  readonly rule: 'GP-5.25' | 'GP-5.26';
  /** What the bound counts from (performance.now()) and its name: "the death", "the restart". */
  readonly since: number;
  readonly sinceWhat: string;
  readonly boundMs: number;
  /** How long the tab was watched. */
  readonly waitedMs: number;
  /** Tool calls open when the instance died: each must end with status error. */
  readonly openToolCalls: readonly string[];
}

/**
 * PROTOCOL §5: a run whose instance dies does not stay open — it ends, within
 * the bound, with tool_completed (error) for every open tool call, then
 * agent_completed with status error and retryable true.
 */
export function judgeDeadRunEnded(seen: DeadRunObservation): Judgement {
  const { who, where, rule } = seen;
  const headline = `${who}'s run ${short(seen.runId)}, whose instance died, was not ended properly (${where})`;
  const completion = seen.events.find((event) => event.type === 'agent_completed');
  const violations: Violation[] = [];
  if (completion === undefined) {
    violations.push(violation(rule, `${where} saw no end of the run ${seconds(seen.waitedMs)} into watching, ${seconds(performance.now() - seen.since)} after ${seen.sinceWhat} (limit ${seconds(seen.boundMs)}; last events: ${seen.events.slice(-3).map((event) => `${event.type} seq ${String(event.seq)}`).join(', ') || 'none'}): a crashed instance leaves ${who} staring at an answer that will never come`));
    return { headline, evaluated: [rule], violations };
  }
  const lateMs = completion.receivedAt - seen.since;
  if (lateMs > seen.boundMs) violations.push(violation(rule, `the run ended only ${seconds(lateMs)} after ${seen.sinceWhat} (limit ${seconds(seen.boundMs)}): ${who} stared at a frozen answer all that time`));
  const error = completion.data.error as { retryable?: unknown } | undefined;
  if (completion.data.status !== 'error') {
    violations.push(violation(rule, `the run ended with status ${JSON.stringify(completion.data.status)} although its instance died mid-way: ${who} is shown an answer nobody finished`));
  } else if (error?.retryable !== true) {
    violations.push(violation(rule, `the run ended with error ${JSON.stringify(completion.data.error)}, not retryable:true: the app does not offer ${who} to ask again, although nothing is wrong with her question`));
  }
  for (const toolCallId of seen.openToolCalls) {
    const closing = seen.events.find((event) => event.type === 'tool_completed' && event.data.tool_call_id === toolCallId && event.index < completion.index);
    if (closing === undefined) violations.push(violation(rule, `the tool call ${short(toolCallId)} open when the instance died got no tool_completed before the run ended: ${who}'s screen shows a tool still running in an answer that is over`));
    else if (closing.data.status !== 'error') violations.push(violation(rule, `the tool call ${short(toolCallId)} open when the instance died was completed with status ${JSON.stringify(closing.data.status)}: nobody ran it to the end, so ${who} is shown a result that does not exist`));
  }
  return { headline, evaluated: [rule], violations };
}
