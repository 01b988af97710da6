import type { Currency } from './spend-figures';

const SYMBOL: Readonly<Record<Currency, string>> = { USD: '$', EUR: '€', GBP: '£' };

/** Round to cents. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * One formatter per option set, built once: `toLocaleString` with options
 * builds a new `Intl.NumberFormat` on every call (tens of microseconds each).
 */
const WHOLE_UNITS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const WITH_CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$12,400" / "$0.42": whole units from 100 up, cents below. */
export function formatMoney(amount: number, currency: Currency): string {
  const formatter = Math.abs(amount) >= 100 ? WHOLE_UNITS : WITH_CENTS;
  return `${SYMBOL[currency]}${formatter.format(amount)}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
