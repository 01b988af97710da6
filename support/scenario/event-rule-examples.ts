/** The example event stream a @unit scenario is judging (created on first use). */
export class ExampleRun {
  stream: string | undefined;
  asksForAnalysis = true;

  get written(): string {
    if (this.stream === undefined) throw new Error('no example stream: a step must give one first');
    return this.stream;
  }
}
