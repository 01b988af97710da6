import { Limits } from '../../protocol/constants';
import type { SeededRandom } from '../random/seeded-random';

/**
 * What users ask, in the words a user would type. The figures vary between
 * scenarios (from the scenario's seeded generator) so that no backend can
 * answer from a canned table; the agent must compute from them.
 */
export interface ChatRequest {
  readonly content: string;
  /** A request to analyse costs and recommend optimizations: PROTOCOL §5 requires a tool (for other requests a tool is free). */
  readonly asksForAnalysis: boolean;
}

const MODELS = ['GPT-4o', 'Claude Sonnet', 'Gemini Pro', 'Llama 3 70B'];

const dollars = (random: SeededRandom, min: number, max: number): string => `$${(Math.round(random.between(min, max) / 10) * 10).toLocaleString('en-US')}`;

export function spendAnalysisRequest(random: SeededRandom): ChatRequest {
  return {
    content:
      `Please analyse our AI spend and recommend optimizations. Last month we spent ${dollars(random, 8_000, 40_000)} on ${random.pick(MODELS)} ` +
      `for about ${random.between(1, 5).toFixed(1)}M requests, ${dollars(random, 500, 5_000)} on embeddings and ${dollars(random, 200, 3_000)} on fine-tuning. ` +
      `Roughly ${random.int(20, 69)}% of our prompts repeat the same system prompt.`,
    asksForAnalysis: true,
  };
}

/** A follow-up in the same conversation: a question, not a request for an analysis, so whether a tool runs is free. */
export function followUpRequest(random: SeededRandom): ChatRequest {
  return {
    content: `If we move half of the traffic to a smaller model and cache the repeated prompts, what would we save per month on ${dollars(random, 5_000, 20_000)}?`,
    asksForAnalysis: false,
  };
}

/** The longest question the chat must accept: exactly the protocol's limit in code points, most of them astral (two UTF-16 units each). */
export function longestQuestion(random: SeededRandom): ChatRequest {
  const words = spendAnalysisRequest(random).content;
  return { content: `${words}${'💸'.repeat(Limits.maxContentCodePoints - [...words].length)}`, asksForAnalysis: true };
}

/** A question holding U+0000 among its words (PROTOCOL §4: stored and returned unchanged, or refused as INVALID_MESSAGE — never INTERNAL). */
export function questionWithNul(random: SeededRandom): ChatRequest {
  return { content: `Please analyse our AI spend:\u0000 ${dollars(random, 1_000, 9_000)} a month on ${random.pick(MODELS)}.`, asksForAnalysis: true };
}
