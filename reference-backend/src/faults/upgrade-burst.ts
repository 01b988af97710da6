/**
 * For the planted fault burst_1011: recognises an upgrade storm (more
 * than `threshold` upgrades within the last `windowMs`) and picks every
 * `every`-th connection established during it. Counting restarts with each
 * storm, so the same storm always loses the same connections.
 */
export class UpgradeBurst {
  private readonly upgrades: number[] = [];
  private establishedInBurst = 0;

  constructor(
    private readonly threshold = 20,
    private readonly windowMs = 200,
    private readonly every = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** A WebSocket upgrade (101) happened. */
  recordUpgrade(): void {
    this.upgrades.push(this.now());
    if (!this.inBurst()) this.establishedInBurst = 0;
  }

  /** A connection got its connection_established: true when it is one to close. */
  pickEstablished(): boolean {
    if (!this.inBurst()) {
      this.establishedInBurst = 0;
      return false;
    }
    this.establishedInBurst += 1;
    return this.establishedInBurst % this.every === 0;
  }

  private inBurst(): boolean {
    const t = this.now();
    while (this.upgrades.length > 0 && t - (this.upgrades[0] as number) >= this.windowMs) this.upgrades.shift();
    return this.upgrades.length > this.threshold;
  }
}
