import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type { Envelope } from '@cucumber/messages';
import { addMetrics, emptyMetrics, metricsReport, SUCCESS_METRICS_MEDIA_TYPE, type SuccessMetrics } from './success-metrics';

/**
 * Adds up the success metrics every scenario attached (across parallel
 * workers too), prints them beside the seed plan's targets when the run ends,
 * and writes them to the formatter's output file as JSON: the counts, each
 * target's state (met, missed, no data) and `targetsMet` (true, false, or
 * null when nothing was missed but something had no data).
 */
export default class SuccessMetricsFormatter extends Formatter {
  private total: SuccessMetrics = emptyMetrics();

  constructor(options: IFormatterOptions) {
    super(options);
    options.eventBroadcaster.on('envelope', (envelope: Envelope) => {
      const attachment = envelope.attachment;
      if (attachment?.mediaType === SUCCESS_METRICS_MEDIA_TYPE) {
        this.total = addMetrics(this.total, JSON.parse(attachment.body) as SuccessMetrics);
      }
      if (envelope.testRunFinished !== undefined) this.finish();
    });
  }

  private finish(): void {
    const report = metricsReport(this.total);
    process.stderr.write(`\n${report.text}\n`);
    this.log(`${JSON.stringify({ ...this.total, targetsMet: report.met, targets: report.rows }, null, 2)}\n`);
  }
}
