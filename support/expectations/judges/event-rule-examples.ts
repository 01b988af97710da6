import { RULES } from '../../../protocol/rules';
import { EVENT_RULE_IDS, reviewRun } from '../../oracle/event-rules';
import { eventsUnderReview } from '../../oracle/run-events';
import { EXAMPLE_RUN, framesOfStream } from '../../oracle/stream-notation';
import type { Judgement, Violation } from '../../oracle/violation';
import type { ExampleRun } from '../../scenario/event-rule-examples';

/**
 * The oracle's own examples: an example stream, read through the same filter
 * and grouping as a live connection's frames, judged by the same rules.
 */
function verdicts(example: ExampleRun): Violation[] {
  const frames = framesOfStream(example.written);
  return reviewRun({ who: 'Alice', ...EXAMPLE_RUN, events: eventsUnderReview(frames, EXAMPLE_RUN.runId, new Set([EXAMPLE_RUN.runId])), asksForAnalysis: example.asksForAnalysis });
}

export function judgeWellFormedExample(example: ExampleRun): Judgement {
  return { headline: 'the oracle rejected a well-formed run', evaluated: ['GP-4.3'], violations: verdicts(example) };
}

/** The example breaks the rule with this title; a failure here means the oracle misses it. */
export function judgeBrokenExample(example: ExampleRun, title: string): Judgement {
  const rule = RULES.find((candidate) => candidate.title === title);
  if (rule === undefined || !(EVENT_RULE_IDS as readonly string[]).includes(rule.id)) throw new Error(`"${title}" is not the title of an event rule (protocol/rules.ts: ${EVENT_RULE_IDS.join(', ')})`);
  const found = verdicts(example);
  if (found.some((violation) => violation.rule === rule.id)) return { headline: 'the oracle flags the rule', evaluated: [], violations: [] };
  const seen = found.length === 0 ? 'it found nothing wrong' : `it reported only: ${[...new Set(found.map((violation) => violation.rule))].join(', ')}`;
  throw new Error(`the oracle did not flag ${rule.id} "${title}" (${seen}): a backend breaking it would pass the gate, and users would meet the bug in production`);
}
