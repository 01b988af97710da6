/**
 * Counts every connection the suite opens, in any scenario: the success
 * metrics of the whole run (chat sessions established, 1011s, abnormal closes).
 */
export class ConnectionLedger {
  attempts = 0;
  upgraded = 0;
  refused = new Map<number, number>();
  failed = 0;
  failedAsExpected = 0;
  closes = new Map<number, number>();
  /** Connections the suite itself cut (a simulated network loss): not the backend's doing. */
  droppedBySuite = 0;

  recordAttempt(): void {
    this.attempts += 1;
  }

  recordUpgrade(): void {
    this.upgraded += 1;
  }

  recordRefusal(status: number): void {
    this.refused.set(status, (this.refused.get(status) ?? 0) + 1);
  }

  /** Could not connect at all; `expected` when the scenario meant the service to turn it away (a drain). */
  recordFailure(expected = false): void {
    if (expected) this.failedAsExpected += 1;
    else this.failed += 1;
  }

  recordClose(code: number, droppedBySuite: boolean): void {
    if (droppedBySuite) {
      this.droppedBySuite += 1;
      return;
    }
    this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
  }

  closedWith(code: number): number {
    return this.closes.get(code) ?? 0;
  }
}

export const connectionLedger = new ConnectionLedger();
