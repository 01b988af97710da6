import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type * as Playwright from 'playwright-core';
import { chooseChromium } from './chromium';

/** playwright-core takes half a second to load: only the browser scenario pays for it. */
function playwright(): typeof Playwright {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('playwright-core') as typeof Playwright;
}

/**
 * A real browser as a chat client: headless Chromium (GOLDEN_PATH_CHROMIUM,
 * the system's, or the one inside the @sparticuz/chromium package — see
 * chromium.ts — driven by playwright-core) loads a page from a tiny local web
 * server, and the page opens the WebSocket the only way a browser can —
 * with the token in the subprotocols (PROTOCOL §3) — asks one question and
 * collects every frame until the run completes.
 *
 * A deployment whose certificate is signed by a private CA (GOLDEN_PATH_CA_FILE)
 * cannot be trusted by Chromium without installing the CA into its
 * certificate store, so then, and only then, the browser is told to accept
 * certificate errors (Playwright's ignoreHTTPSErrors); the suite's own
 * clients check the certificate against the CA as usual.
 */

/** What the page saw, in page time (ms since it started connecting). */
export interface BrowserChatOutcome {
  /** The subprotocol the server selected, as the browser reports it. */
  readonly protocol: string;
  readonly frames: ReadonlyArray<{ readonly text: string; readonly at: number }>;
  /** 'completed' when agent_completed of the page's run arrived; otherwise why the page stopped. */
  readonly ending: string;
  readonly errors: readonly string[];
  /** performance.now() in the suite's process when the page began to connect (page times count from it). */
  readonly startedAt: number;
}

export interface BrowserChatRequest {
  readonly wsUrl: string;
  readonly token: string;
  /** The user_message frame the page sends once the chat says it is ready. */
  readonly frameText: string;
  readonly clientMessageId: string;
  /** How long the page waits for the whole run. */
  readonly timeoutMs: number;
}

/** The page: plain browser JavaScript, no build step. */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Golden Path chat</title></head>
<body><p id="status">idle</p>
<script>
window.goldenPathChat = function (request) {
  return new Promise(function (resolve) {
    var started = performance.now();
    var frames = [], errors = [], runId = null, sent = false, done = false, socket;
    var status = document.getElementById('status');
    function finish(ending) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      status.textContent = ending;
      var protocol = socket ? socket.protocol : '';
      if (socket && socket.readyState === WebSocket.OPEN) socket.close(1000, 'done');
      resolve({ protocol: protocol, frames: frames, ending: ending, errors: errors });
    }
    var timer = setTimeout(function () { finish('no agent_completed within ' + request.timeoutMs + ' ms'); }, request.timeoutMs);
    var encoded = btoa(request.token).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    try {
      socket = new WebSocket(request.wsUrl, ['jwt-auth', 'jwt.' + encoded]);
    } catch (error) {
      errors.push(String(error));
      finish('the browser refused to open the WebSocket');
      return;
    }
    status.textContent = 'connecting';
    socket.onmessage = function (event) {
      frames.push({ text: String(event.data), at: performance.now() - started });
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { errors.push('unparsable frame: ' + String(error)); return; }
      if (frame === null || typeof frame !== 'object') return;
      if (frame.type === 'connection_established' && !sent) { sent = true; status.textContent = 'asking'; socket.send(request.frameText); }
      if (frame.type === 'message_accepted' && frame.data && frame.data.client_message_id === request.clientMessageId) runId = frame.data.run_id;
      if (frame.type === 'agent_completed' && runId !== null && frame.run_id === runId) finish('completed');
    };
    socket.onerror = function () { errors.push('the WebSocket reported an error (see the close code)'); };
    socket.onclose = function (event) { finish('the connection closed with code ' + event.code + (event.reason ? ' "' + event.reason + '"' : '')); };
  });
};
</script></body></html>`;

export class BrowserChat {
  private constructor(
    private readonly context: BrowserContext,
    private readonly server: Server,
    private readonly pageUrl: string,
    private readonly profileDir: string,
  ) {}

  /**
   * Starts the page server and a headless Chromium with a fresh profile.
   * `privateCa`: the deployment's certificate is signed by a private CA (GOLDEN_PATH_CA_FILE),
   * which the browser is then told to accept (see above).
   */
  static async launch(timeoutMs: number, options: { privateCa?: boolean } = {}): Promise<BrowserChat> {
    const chromium = await chooseChromium();
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(PAGE);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const profileDir = await mkdtemp(join(tmpdir(), 'golden-path-chromium-'));
    try {
      const context = await playwright().chromium.launchPersistentContext(profileDir, {
        executablePath: chromium.executablePath,
        headless: true,
        args: [...chromium.args],
        timeout: timeoutMs,
        ignoreHTTPSErrors: options.privateCa === true,
      });
      return new BrowserChat(context, server, pageUrl, profileDir);
    } catch (error) {
      await closeServer(server);
      await rm(profileDir, { recursive: true, force: true });
      throw new Error(`headless Chromium (${chromium.source}) did not start within ${(timeoutMs / 1000).toFixed(0)} s: ${error instanceof Error ? error.message : String(error)} — ${chromium.ifItFails}`, { cause: error });
    }
  }

  /** Loads the page and lets it open the chat, ask and collect the run. */
  async chat(request: BrowserChatRequest, loadTimeoutMs: number): Promise<BrowserChatOutcome> {
    const page = await this.context.newPage();
    await page.goto(this.pageUrl, { timeout: loadTimeoutMs });
    const startedAt = performance.now();
    const seen = await page.evaluate(
      (args) => (globalThis as unknown as { goldenPathChat: (given: typeof args) => Promise<Omit<BrowserChatOutcome, 'startedAt'>> }).goldenPathChat(args),
      request,
    );
    return { ...seen, startedAt };
  }

  /** Closes the browser and the page server, and removes the browser profile. */
  async close(): Promise<void> {
    await this.context.close();
    await closeServer(this.server);
    await rm(this.profileDir, { recursive: true, force: true });
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error === undefined ? resolve() : reject(error)));
  });
}
