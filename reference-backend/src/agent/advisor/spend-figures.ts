/**
 * Pure parsing of AI-spend figures out of free text: money amounts with their
 * period and what they are spent on, percentages, token volumes and model
 * names. No I/O; deterministic.
 */

export type Currency = 'USD' | 'EUR' | 'GBP';
export type Period = 'day' | 'week' | 'month' | 'year';
export type ModelTier = 'premium' | 'economy';

export interface MoneyFigure {
  readonly amount: number;
  readonly currency: Currency;
  /** Null when the text does not say; analysis then assumes a month. */
  readonly period: Period | null;
  /** The model or spend category the amount is attributed to, if any. */
  readonly label: string | null;
  /** True when the text calls it a total ("total", "overall", "bill"). */
  readonly isTotal: boolean;
  readonly text: string;
}

export interface PercentFigure {
  readonly value: number;
  readonly kind: 'share' | 'growth' | 'reduction';
  /** For growth: the period the rate applies to ("15% month over month"). */
  readonly period: Period | null;
  readonly label: string | null;
  readonly text: string;
}

export interface TokenFigure {
  readonly count: number;
  readonly period: Period | null;
  readonly text: string;
}

export interface ModelMention {
  readonly name: string;
  readonly tier: ModelTier;
}

export interface SpendFigures {
  readonly amounts: MoneyFigure[];
  readonly percentages: PercentFigure[];
  readonly tokens: TokenFigure[];
  readonly models: ModelMention[];
}

const CURRENCY_BY_SYMBOL: Readonly<Record<string, Currency>> = { $: 'USD', '€': 'EUR', '£': 'GBP' };
const CURRENCY_BY_WORD: ReadonlyArray<[RegExp, Currency]> = [
  [/^(usd|dollars?|bucks)$/i, 'USD'],
  [/^(eur|euros?)$/i, 'EUR'],
  [/^(gbp|pounds?)$/i, 'GBP'],
];

const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const SCALE = String.raw`(?:k|m|bn|b|thousand|million|billion)\b`;
const MONEY_PATTERN = new RegExp(
  String.raw`([$€£])\s?(${NUMBER})\s?(${SCALE})?` +
    String.raw`|\b(USD|EUR|GBP)\s?(${NUMBER})\s?(${SCALE})?` +
    String.raw`|\b(${NUMBER})\s?(${SCALE})?\s?(USD|EUR|GBP|dollars?|euros?|pounds?|bucks)\b`,
  'gi',
);
const PERCENT_PATTERN = new RegExp(String.raw`(${NUMBER})\s?(?:%|percent\b)`, 'gi');
const TOKEN_PATTERN = new RegExp(
  String.raw`\b(${NUMBER})\s?(${SCALE})?\s?(?:input\s+|output\s+|prompt\s+|completion\s+)?tokens\b`,
  'gi',
);

/** Known model families, most specific first. */
const MODEL_PATTERNS: ReadonlyArray<[RegExp, ModelTier]> = [
  [/\bgpt-?4(?:o|\.1)?[- ](?:mini|nano)\b/gi, 'economy'],
  [/\bgpt-?4o\b|\bgpt-?4\.[15]\b|\bgpt-?4(?:-turbo)?\b|\bgpt-?5\b/gi, 'premium'],
  [/\bgpt-?3\.5(?:-turbo)?\b/gi, 'economy'],
  [/\bo[134](?:-mini)\b/gi, 'economy'],
  [/\bo[13](?:-pro)?\b/gi, 'premium'],
  [/\bclaude(?:[- ]?\d(?:\.\d)?)?[- ]haiku\b|\bhaiku\b/gi, 'economy'],
  [/\bclaude(?:[- ]?\d(?:\.\d)?)?[- ](?:opus|sonnet)\b|\b(?:opus|sonnet)\b|\bclaude\b/gi, 'premium'],
  [/\bgemini(?:[- ]\d(?:\.\d)?)?[- ]flash\b/gi, 'economy'],
  [/\bgemini(?:[- ]\d(?:\.\d)?)?(?:[- ](?:pro|ultra))?\b/gi, 'premium'],
  [/\bmistral[- ]large\b/gi, 'premium'],
  [/\b(?:llama(?:[- ]?\d(?:\.\d)?)?|mistral(?:[- ](?:small|medium))?|mixtral)\b/gi, 'economy'],
];

/** Spend categories that can label an amount when no model is named. */
const CATEGORY_PATTERN =
  /\b(embeddings?|fine-?tuning|training|inference|vector (?:db|database|search)|gpus?|storage|transcription|image generation)\b/gi;

const TOTAL_WORDS = /\b(total|overall|in all|altogether|bill|invoice|all-in)\b/i;
const GROWTH_WORDS = /\b(grow\w*|increas\w*|ris\w*|up|more|jump\w*|climb\w*)\b/i;
const REDUCTION_WORDS = /\b(cut|reduc\w*|sav\w*|lower|decreas\w*|down|less)\b/i;

interface Located<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

export function parseNumber(text: string, scale: string | undefined): number {
  const base = Number(text.replace(/,/g, ''));
  switch ((scale ?? '').toLowerCase()) {
    case 'k':
    case 'thousand':
      return base * 1e3;
    case 'm':
    case 'million':
      return base * 1e6;
    case 'b':
    case 'bn':
    case 'billion':
      return base * 1e9;
    default:
      return base;
  }
}

/** A period stated right after a figure ("/month", "per year", "monthly") or shortly before it ("monthly spend of"). */
export function periodNear(text: string, start: number, end: number): Period | null {
  const after = text.slice(end, end + 24);
  const afterMatch =
    /^\s*(?:\/|per|a|an|each|every)\s*(day|week|month|mo|year|yr|annum)\b/i.exec(after) ??
    /^\s*(?:in\s+)?(daily|weekly|monthly|annually|yearly|annual)\b/i.exec(after);
  if (afterMatch) return toPeriod(afterMatch[1] as string);
  const overMatch = /^\s*(mom|month[- ]over[- ]month|yoy|year[- ]over[- ]year|wow|week[- ]over[- ]week)\b/i.exec(after);
  if (overMatch) return toPeriod((overMatch[1] as string).replace(/^mom$/i, 'month').replace(/^yoy$/i, 'year').replace(/^wow$/i, 'week'));
  const before = text.slice(Math.max(0, start - 32), start);
  const beforeMatch = /\b(daily|weekly|monthly|annual|annually|yearly)\b[^$€£\d]*$/i.exec(before);
  return beforeMatch ? toPeriod(beforeMatch[1] as string) : null;
}

function toPeriod(word: string): Period {
  const w = word.toLowerCase();
  if (w.startsWith('d')) return 'day';
  if (w.startsWith('w')) return 'week';
  if (w.startsWith('y') || w.startsWith('an')) return 'year';
  return 'month';
}

function normaliseModelName(raw: string): string {
  return raw.toLowerCase().replace(/\s+/g, '-');
}

export function findModels(text: string): Located<ModelMention>[] {
  const found: Located<ModelMention>[] = [];
  for (const [pattern, tier] of MODEL_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (found.some((f) => start < f.end && end > f.start)) continue; // a more specific pattern already matched here
      found.push({ start, end, value: { name: normaliseModelName(m[0]), tier } });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function findCategories(text: string): Located<string>[] {
  return [...text.matchAll(CATEGORY_PATTERN)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    value: m[0].toLowerCase(),
  }));
}

function currencyFromWord(word: string): Currency {
  for (const [pattern, currency] of CURRENCY_BY_WORD) if (pattern.test(word)) return currency;
  return 'USD';
}

/**
 * The label of a figure: the nearest model (else category) mentioned in the
 * same clause, preferring what follows the figure ("$8,000 on GPT-4") over
 * what precedes it ("GPT-4 costs $8,000").
 */
function labelFor(text: string, start: number, end: number, labels: readonly Located<string>[], figureSpans: readonly Located<unknown>[]): string | null {
  const nextFigure = figureSpans.find((f) => f.start >= end)?.start ?? text.length;
  const prevFigure = [...figureSpans].reverse().find((f) => f.end <= start)?.end ?? 0;
  const clauseEnd = Math.min(nextFigure, end + 40, clauseBoundaryAfter(text, end));
  const clauseStart = Math.max(prevFigure, start - 40, clauseBoundaryBefore(text, start));
  const after = labels.find((l) => l.start >= end && l.start < clauseEnd);
  if (after && attributesForward(text.slice(end, after.start))) return after.value;
  const before = [...labels].reverse().find((l) => l.end <= start && l.end > clauseStart);
  return before ? before.value : null;
}

/** "$8,000 on GPT-4", "$300 a month for embeddings": a short connecting phrase, no conjunction. */
function attributesForward(gap: string): boolean {
  const words = gap.trim().split(/\s+/).filter((w) => w !== '');
  return words.length <= 5 && !words.some((w) => /^(and|but|while|whereas|plus|then|vs\.?|versus)$/i.test(w));
}

function clauseBoundaryAfter(text: string, from: number): number {
  const rest = text.slice(from);
  const m = /[;\n]|[.!?](?:\s|$)|,\s/.exec(rest);
  return m ? from + m.index : text.length;
}

function clauseBoundaryBefore(text: string, to: number): number {
  const head = text.slice(0, to);
  let boundary = 0;
  for (const m of head.matchAll(/[;\n]|[.!?]\s|,\s/g)) boundary = m.index + m[0].length;
  return boundary;
}

export function extractSpendFigures(text: string): SpendFigures {
  const money: Located<{ amount: number; currency: Currency }>[] = [];
  for (const m of text.matchAll(MONEY_PATTERN)) {
    const [whole, symbol, n1, s1, code2, n2, s2, n3, s3, word3] = m;
    let amount: number;
    let currency: Currency;
    if (symbol !== undefined && n1 !== undefined) {
      amount = parseNumber(n1, s1);
      currency = CURRENCY_BY_SYMBOL[symbol] ?? 'USD';
    } else if (code2 !== undefined && n2 !== undefined) {
      amount = parseNumber(n2, s2);
      currency = currencyFromWord(code2);
    } else if (n3 !== undefined && word3 !== undefined) {
      amount = parseNumber(n3, s3);
      currency = currencyFromWord(word3);
    } else {
      continue;
    }
    if (!Number.isFinite(amount) || amount <= 0) continue;
    money.push({ start: m.index, end: m.index + whole.length, value: { amount, currency } });
  }

  const percents: Located<number>[] = [...text.matchAll(PERCENT_PATTERN)]
    .map((m) => ({ start: m.index, end: m.index + m[0].length, value: parseNumber(m[1] as string, undefined) }))
    .filter((p) => Number.isFinite(p.value) && !money.some((f) => p.start < f.end && p.end > f.start));

  const tokens: TokenFigure[] = [...text.matchAll(TOKEN_PATTERN)]
    .map((m) => ({
      count: parseNumber(m[1] as string, m[2]),
      period: periodNear(text, m.index, m.index + m[0].length),
      text: m[0],
    }))
    .filter((t) => Number.isFinite(t.count) && t.count > 0);

  const models = findModels(text);
  const modelLabels: Located<string>[] = models.map((m) => ({ start: m.start, end: m.end, value: m.value.name }));
  const labels = [...modelLabels, ...findCategories(text)].sort((a, b) => a.start - b.start);
  const figureSpans: Located<unknown>[] = [...money, ...percents].sort((a, b) => a.start - b.start);

  const amounts: MoneyFigure[] = money.map((f, i) => {
    const previousEnd = i > 0 ? (money[i - 1] as Located<unknown>).end : 0;
    const before = text.slice(Math.max(previousEnd, f.start - 30), f.start);
    const after = text.slice(f.end, f.end + 20);
    return {
      amount: f.value.amount,
      currency: f.value.currency,
      period: periodNear(text, f.start, f.end),
      label: labelFor(text, f.start, f.end, labels, figureSpans),
      isTotal: TOTAL_WORDS.test(before) || /^\s*(?:in )?total\b/i.test(after),
      text: text.slice(f.start, f.end),
    };
  });

  const percentages: PercentFigure[] = percents.map((p) => {
    const context = text.slice(Math.max(0, p.start - 30), Math.min(text.length, p.end + 30));
    const kind: PercentFigure['kind'] = REDUCTION_WORDS.test(context) ? 'reduction' : GROWTH_WORDS.test(context) ? 'growth' : 'share';
    return {
      value: p.value,
      kind,
      period: periodNear(text, p.start, p.end),
      label: labelFor(text, p.start, p.end, labels, figureSpans),
      text: text.slice(p.start, p.end),
    };
  });

  const uniqueModels: ModelMention[] = [];
  for (const m of models) if (!uniqueModels.some((u) => u.name === m.value.name)) uniqueModels.push(m.value);

  return { amounts, percentages, tokens, models: uniqueModels };
}

export function hasFigures(f: SpendFigures): boolean {
  return f.amounts.length > 0 || f.tokens.length > 0;
}
