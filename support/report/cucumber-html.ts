import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Transform } from 'node:stream';
import { TestStepResultStatus, type Envelope } from '@cucumber/messages';
import { PICTURE_MEDIA_TYPE, STORM_FILE_NAME, TIMELINE_FILE_NAME } from './timeline/pictures';

/**
 * reports/cucumber.html: cucumber's own HTML report (@cucumber/html-formatter,
 * the version cucumber-js itself uses), with the scenario's pictures and text
 * attachments in view. Cucumber's report folds away hooks that passed, and
 * the After hook is where a scenario's pictures and transcript are made (once
 * every connection is closed); so this formatter shows them under the
 * scenario's failed step, or its last step, and opens the pictures. The
 * message stream (messages.ndjson) keeps them where they were attached.
 */
interface HtmlStreamModule {
  CucumberHtmlStream: new (cssPath?: string, jsPath?: string, iconPath?: string) => Transform;
}

/** The html-formatter cucumber-js depends on (not a dependency of the project's own). */
function htmlFormatter(): { module: HtmlStreamModule; dist: string } {
  const cucumber = require.resolve('@cucumber/cucumber');
  const entry = require.resolve('@cucumber/html-formatter', { paths: [dirname(cucumber)] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { module: require(entry) as HtmlStreamModule, dist: join(dirname(entry), '..') };
}

/**
 * Opens the pictures' <details> once, as cucumber's report renders them (it
 * re-renders on search and filters); and when the page is opened on a search
 * (the dashboard links to a scenario as cucumber.html?query=…), unfolds the
 * features it found once, as it does by itself only for failed ones.
 */
const OPEN_PICTURES = `
;(function () {
  var names = ${JSON.stringify([TIMELINE_FILE_NAME, STORM_FILE_NAME])};
  var searched = /[?&]query=/.test(window.location.search);
  function openPictures() {
    if (searched) {
      document.querySelectorAll('button[slot="trigger"][aria-expanded="false"]').forEach(function (button) {
        if (button.getAttribute('data-golden-path') === 'unfolded') return;
        button.setAttribute('data-golden-path', 'unfolded');
        button.click();
      });
    }
    document.querySelectorAll('details > summary').forEach(function (summary) {
      var details = summary.parentElement;
      if (names.indexOf(summary.textContent) === -1 || details.getAttribute('data-golden-path') === 'opened') return;
      details.setAttribute('data-golden-path', 'opened');
      details.open = true;
    });
  }
  new MutationObserver(openPictures).observe(document.body, { childList: true, subtree: true });
  openPictures();
})();
`;

/** Moves a scenario's pictures and text attachments from its hooks to the step a reader looks at. */
export class AttachmentsInView {
  private readonly steps = new Map<string, Array<{ id: string; hook: boolean }>>();
  private readonly testCaseOf = new Map<string, string>();
  private readonly failedStep = new Map<string, string>();
  private readonly hookSteps = new Set<string>();

  take(envelope: Envelope): Envelope {
    if (envelope.testCase) {
      const steps = envelope.testCase.testSteps.map((step) => ({ id: step.id, hook: step.hookId !== undefined }));
      this.steps.set(envelope.testCase.id, steps);
      for (const step of steps) if (step.hook) this.hookSteps.add(step.id);
    }
    if (envelope.testCaseStarted) this.testCaseOf.set(envelope.testCaseStarted.id, envelope.testCaseStarted.testCaseId);
    const finishedStep = envelope.testStepFinished;
    if (finishedStep !== undefined && finishedStep.testStepResult.status === TestStepResultStatus.FAILED && !this.hookSteps.has(finishedStep.testStepId) && !this.failedStep.has(finishedStep.testCaseStartedId)) {
      this.failedStep.set(finishedStep.testCaseStartedId, finishedStep.testStepId);
    }
    const attachment = envelope.attachment;
    if (attachment?.testCaseStartedId === undefined || attachment.testStepId === undefined || !this.hookSteps.has(attachment.testStepId)) return envelope;
    if (attachment.mediaType !== PICTURE_MEDIA_TYPE && attachment.mediaType !== 'text/plain') return envelope;
    const steps = this.steps.get(this.testCaseOf.get(attachment.testCaseStartedId) ?? '') ?? [];
    const target = this.failedStep.get(attachment.testCaseStartedId) ?? steps.filter((step) => !step.hook).at(-1)?.id;
    return target === undefined ? envelope : { ...envelope, attachment: { ...attachment, testStepId: target } };
  }
}

export default {
  type: 'formatter' as const,
  formatter({ on, write }: { on: (key: 'message', handler: (envelope: Envelope) => void) => void; write: (chunk: string) => void }): () => Promise<void> {
    const { module, dist } = htmlFormatter();
    const scratch = mkdtempSync(join(tmpdir(), 'golden-path-html-'));
    const script = join(scratch, 'main.js');
    writeFileSync(script, `${readFileSync(join(dist, 'main.js'), 'utf8')}\n${OPEN_PICTURES}`);
    const html = new module.CucumberHtmlStream(join(dist, 'main.css'), script);
    const view = new AttachmentsInView();
    html.on('data', (chunk: string) => write(chunk));
    on('message', (envelope) => html.write(view.take(envelope)));
    return async () => {
      html.end();
      await finished(html);
      rmSync(scratch, { recursive: true, force: true });
    };
  },
};
