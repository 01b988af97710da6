import { join } from 'node:path';
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type { Envelope } from '@cucumber/messages';
import { backendUnderTest, latestFaultEvidence, selectionTags } from './backend-under-test';
import { preloadCharts } from './charts/render';
import { dashboardPage } from './dashboard/dashboard';
import { appendRun, HISTORY_FILE, readHistory, writeHistory } from './dashboard/history';
import { columnOf } from './dashboard/model';
import { RunReader } from './run/run-reader';

/**
 * Writes the dashboard, reports/index.html, at the end of every run (the
 * formatter's output file), and adds the run to reports/history.json. Runs
 * in cucumber's coordinator process, so it sees every scenario of every
 * parallel worker; Vega loads in the background while the scenarios run.
 */
export default class DashboardFormatter extends Formatter {
  private readonly reader = new RunReader();
  private writing: Promise<void> | undefined;

  constructor(options: IFormatterOptions) {
    super(options);
    preloadCharts();
    options.eventBroadcaster.on('envelope', (envelope: Envelope) => {
      this.reader.update(envelope);
      if (envelope.testRunFinished !== undefined) this.writing = this.write();
    });
  }

  private async write(): Promise<void> {
    const started = performance.now();
    const reports = process.env.GOLDEN_PATH_REPORT_DIR ?? 'reports';
    const run = this.reader.record();
    const backend = backendUnderTest();
    const faults = latestFaultEvidence();
    const tags = selectionTags();
    const column = columnOf([{ run, cucumberHtml: 'cucumber.html', from: reports }], backend, { faults, tags });
    const historyPath = join(reports, HISTORY_FILE);
    const history = appendRun(readHistory(historyPath), { at: run.startedAt ?? new Date().toISOString(), backend: column.backend.description, version: column.backend.version, tags, durationMs: run.durationMs ?? null, scenarios: run.scenarios });
    writeHistory(historyPath, history);
    const html = await dashboardPage({ columns: [column], history, historyFile: HISTORY_FILE, faults });
    this.log(html);
    const drawn = run.scenarios.filter((scenario) => scenario.pictures.length > 0).length;
    process.stderr.write(
      `\nDashboard: ${join(reports, 'index.html')} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KB, written in ${(performance.now() - started).toFixed(0)} ms); ` +
        `${drawn} scenario pictures drawn in ${(run.pictureMs / 1000).toFixed(2)} s of worker time (${(run.pictureBytes / 1024).toFixed(0)} KB of SVG)\n`,
    );
  }

  override async finished(): Promise<void> {
    await this.writing;
    await super.finished();
  }
}
