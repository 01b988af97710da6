/** A failed expectation listing every broken rule, each with its business impact. */
export class ViolationError extends Error {
  constructor(
    headline: string,
    readonly violations: readonly string[],
  ) {
    super(`${headline}\n${violations.map((violation) => `  ✗ ${violation}`).join('\n')}`);
    this.name = 'GoldenPathViolation';
  }
}

export function failIfAny(headline: string, violations: readonly string[]): void {
  if (violations.length > 0) throw new ViolationError(headline, violations);
}
