import type { Currency } from './spend-figures';

const SYMBOL: Readonly<Record<Currency, string>> = { USD: '$', EUR: '€', GBP: '£' };

/** Round to cents. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** "$12,400" / "$0.42": whole units from 100 up, cents below. */
export function formatMoney(amount: number, currency: Currency): string {
  const digits = Math.abs(amount) >= 100 ? 0 : 2;
  return `${SYMBOL[currency]}${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
