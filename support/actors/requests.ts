/**
 * What users ask, in the words a user would type. The figures vary between
 * calls so that no backend can answer from a canned table; the agent must
 * compute from them.
 */
export interface ChatRequest {
  readonly content: string;
  /** A request for a cost analysis with recommendations: PROTOCOL §5 requires a tool. */
  readonly asksForAnalysis: boolean;
}

const models = ['GPT-4o', 'Claude Sonnet', 'Gemini Pro', 'Llama 3 70B'];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function dollars(min: number, max: number): string {
  return `$${(Math.round((min + Math.random() * (max - min)) / 10) * 10).toLocaleString('en-US')}`;
}

export function spendAnalysisRequest(): ChatRequest {
  const model = pick(models);
  return {
    content:
      `Please analyse our AI spend and recommend optimizations. Last month we spent ${dollars(8_000, 40_000)} on ${model} ` +
      `for about ${(1 + Math.random() * 4).toFixed(1)}M requests, ${dollars(500, 5_000)} on embeddings and ${dollars(200, 3_000)} on fine-tuning. ` +
      `Roughly ${20 + Math.floor(Math.random() * 50)}% of our prompts repeat the same system prompt.`,
    asksForAnalysis: true,
  };
}

export function followUpRequest(): ChatRequest {
  return {
    content: `If we move half of the traffic to a smaller model and cache the repeated prompts, what would we save per month on ${dollars(5_000, 20_000)}?`,
    asksForAnalysis: true,
  };
}
