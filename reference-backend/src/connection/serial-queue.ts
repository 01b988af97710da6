/**
 * Runs tasks strictly one after another, in submission order. A failing task
 * never stalls the queue: its error goes to `onError`.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void) {}

  push(task: () => Promise<void> | void): void {
    this.tail = this.tail.then(task).catch(this.onError);
  }

  /** Resolves once every task submitted so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
