/**
 * The soak's users. At a steady pace a user comes online with one to three
 * tabs (on either instance), asks one to four questions — in a new thread or
 * one of their threads, also from earlier visits — and leaves; a share of them
 * close the asking tab mid-run and resume on a new one, re-send a message
 * (the same client_message_id), send a hostile frame, or leave while their
 * run is still going (their next visit resumes it). A message refused while
 * PostgreSQL is down is re-sent with the same id until it is accepted.
 * Everything a tab receives goes to the ledger, which judges it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCode, HttpPath, Limits } from '../../protocol/constants';
import type { TokenMinter } from '../../support/auth/token-minter';
import { newUserId } from '../../support/domain/ids';
import type { SeededRandom } from '../../support/random/seeded-random';
import type { HistoryEntry, Ledger, View } from './ledger';
import { SoakTab, TabClosedError } from './tab';

export interface TrafficSettings {
  /** Messages per second the pace aims at. */
  readonly messagesPerSecond: number;
  readonly maxConcurrentSessions: number;
  readonly tokenLifetimeSeconds: number;
  /** Shares of asks / sessions. */
  readonly closeMidRunShare: number;
  readonly resendShare: number;
  readonly hostileShare: number;
  readonly connectionHostileShare: number;
  readonly leaveMidRunShare: number;
  readonly returningUserShare: number;
}

export const DEFAULT_TRAFFIC: Omit<TrafficSettings, 'tokenLifetimeSeconds'> = {
  messagesPerSecond: 5,
  maxConcurrentSessions: 40,
  closeMidRunShare: 0.2,
  resendShare: 0.1,
  hostileShare: 0.15,
  connectionHostileShare: 0.1,
  leaveMidRunShare: 0.1,
  returningUserShare: 0.35,
};

const ASKS_PER_SESSION = { min: 1, max: 4 };
const TABS_PER_SESSION = { min: 1, max: 3 };
const THINK_MS = { min: 300, max: 1_500 };
const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;
/** One attempt at a user_message: message_accepted or an error is awaited this long before re-sending. */
const ANSWER_TIMEOUT_MS = 8_000;
/** A message still refused after this long is left to the closing reconciliation. */
const ASK_DEADLINE_MS = 30_000;
/** How long a tab waits for the end of its run before resuming it. */
const RUN_PATIENCE_MS = 40_000;
/** After the run ended on the asking tab, the user's other tabs get this long to have all of it. */
const OTHER_TABS_GRACE_MS = 3_000;
const RESUME_PATIENCE_MS = 15_000;

const QUESTIONS = [
  'Please analyse our AI spend of $12,400 a month on GPT-4o and recommend optimizations',
  'We spend $3,150/month on Claude 3.5 Sonnet for support chat. How do we cut costs?',
  'Our embeddings bill is $780 per month on text-embedding-3-large; any savings?',
  'Analyse this: $25k monthly on GPT-4 Turbo, 40% of it on summarisation. Recommend optimizations.',
  'Budget check: 18 million tokens a day on gpt-4o-mini. Where can we save?',
  'Hello! What can you help me with?',
  'Thanks, that was useful.',
  'Ünïcödé check — we pay €9.300 a month for Mistral Large 🚀; how to reduce it?',
  'Compare our spend: last month $8,000 on GPT-4o, this month $11,500. Why, and what to optimise?',
];

export interface SoakUser {
  readonly id: string;
  readonly token: string;
  readonly threads: string[];
  online: boolean;
  /** Views of this user's runs whose tab closed before the run was whole: the next tab resumes them. */
  readonly orphans: View[];
  /** Messages never acknowledged within the ask deadline. */
  readonly unacknowledged: { clientMessageId: string; content: string; threadId: string | undefined }[];
}

export interface TrafficCounts {
  sessions: number;
  tabsOpened: number;
  connectFailures: number;
  asks: number;
  attempts: number;
  refusedUnavailable: number;
  resendChecks: number;
  closesMidRun: number;
  leftMidRun: number;
  resumesSent: number;
  hostileFrames: number;
  hostileConnections: number;
  historyChecks: number;
}

export interface Instance {
  readonly name: string;
  readonly wsUrl: string;
  readonly httpUrl: string;
}

export class Traffic {
  readonly users: SoakUser[] = [];
  readonly counts: TrafficCounts = {
    sessions: 0,
    tabsOpened: 0,
    connectFailures: 0,
    asks: 0,
    attempts: 0,
    refusedUnavailable: 0,
    resendChecks: 0,
    closesMidRun: 0,
    leftMidRun: 0,
    resumesSent: 0,
    hostileFrames: 0,
    hostileConnections: 0,
    historyChecks: 0,
  };
  private readonly sessions = new Set<Promise<void>>();
  private draining = false;
  private readonly openTabs = new Map<string, Set<SoakTab>>();

  constructor(
    private readonly instances: readonly Instance[],
    private readonly minter: TokenMinter,
    private readonly ledger: Ledger,
    private readonly random: SeededRandom,
    private readonly settings: TrafficSettings,
    private readonly log: (line: string) => void,
  ) {}

  /** Milliseconds between session starts for the configured message rate. */
  get sessionIntervalMs(): number {
    const asksPerSession = (ASKS_PER_SESSION.min + ASKS_PER_SESSION.max) / 2;
    return (1000 * asksPerSession) / this.settings.messagesPerSecond;
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  get openTabCount(): number {
    let n = 0;
    for (const set of this.openTabs.values()) n += set.size;
    return n;
  }

  /** Starts sessions at a steady pace until `untilMs` (performance.now()). */
  async run(untilMs: number, stop: AbortSignal): Promise<void> {
    const interval = this.sessionIntervalMs;
    let next = performance.now();
    while (performance.now() < untilMs && !stop.aborted) {
      if (this.sessions.size < this.settings.maxConcurrentSessions) this.startSession(this.pickUser());
      next += interval;
      const wait = Math.min(next, untilMs) - performance.now();
      if (wait > 0) await delay(wait, undefined, { signal: stop }).catch(() => undefined);
    }
  }

  /** No new asks; waits (bounded) for the sessions under way to end. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    const all = Promise.all([...this.sessions]);
    const finished = await Promise.race([all.then(() => true), delay(timeoutMs).then(() => false)]);
    if (!finished) for (const set of this.openTabs.values()) for (const tab of set) tab.terminate();
    return finished;
  }

  private pickUser(): SoakUser {
    const offline = this.users.filter((user) => !user.online);
    if (offline.length > 0 && this.random.next() < this.settings.returningUserShare) return this.random.pick(offline);
    const id = newUserId(`soak${this.users.length}`);
    const user: SoakUser = {
      id,
      token: this.minter.forUser(id, { permissions: ['read', 'write'], expiresInSeconds: this.settings.tokenLifetimeSeconds }),
      threads: [],
      online: false,
      orphans: [],
      unacknowledged: [],
    };
    this.users.push(user);
    return user;
  }

  private startSession(user: SoakUser): void {
    user.online = true;
    this.counts.sessions += 1;
    const session: Promise<void> = this.session(user)
      .catch((error: unknown) => this.ledger.violation(`session of ${user.id} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(() => {
        user.online = false;
        this.sessions.delete(session);
      });
    this.sessions.add(session);
  }

  // ───────────── tabs ─────────────

  private tabsOf(user: SoakUser): SoakTab[] {
    return [...(this.openTabs.get(user.id) ?? [])].filter((tab) => tab.isOpen);
  }

  /** Opens a tab on a random instance; undefined (counted) when it cannot. */
  async openTab(user: SoakUser, instance: Instance = this.random.pick(this.instances)): Promise<SoakTab | undefined> {
    const record = this.ledger.newTab(user.id, instance.name);
    let tab: SoakTab;
    try {
      tab = await SoakTab.open(instance.wsUrl, user.token, record, this.ledger, CONNECT_TIMEOUT_MS);
    } catch (error) {
      this.counts.connectFailures += 1;
      this.ledger.violation(`a tab could not connect: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    this.counts.tabsOpened += 1;
    const set = this.openTabs.get(user.id) ?? new Set();
    this.openTabs.set(user.id, set);
    set.add(tab);
    void tab.closed.then(() => {
      set.delete(tab);
      // The runs this tab was following and had not received whole are picked up by the user's next tab.
      for (const view of record.views) {
        if (this.ledger.currentTab(view) === record && !this.ledger.isComplete(view)) user.orphans.push(view);
      }
    });
    return tab;
  }

  /** A tab of the user that is open, opening one when none is. */
  private async anyTab(user: SoakUser): Promise<SoakTab | undefined> {
    const open = this.tabsOf(user);
    if (open.length > 0) return this.random.pick(open);
    const tab = await this.openTab(user);
    if (tab !== undefined) await this.adoptOrphans(user, tab);
    return tab;
  }

  /** The tab takes over the user's orphaned views and resumes each where it was left. */
  async adoptOrphans(user: SoakUser, tab: SoakTab): Promise<void> {
    const orphans = user.orphans.splice(0);
    for (const view of orphans) {
      if (this.ledger.isComplete(view)) continue;
      view.tabs.push(tab.record);
      tab.record.views.push(view);
    }
    await Promise.all(orphans.map((view) => this.resumeOn(tab, view)));
  }

  /**
   * Resumes the view's run on `tab` from the last seq it has without a gap,
   * re-sending while PostgreSQL is unavailable. True once the view is whole.
   */
  private async resumeOn(tab: SoakTab, view: View): Promise<boolean> {
    const deadline = performance.now() + RESUME_PATIENCE_MS;
    while (performance.now() < deadline && tab.isOpen) {
      if (this.ledger.isComplete(view)) return true;
      this.counts.resumesSent += 1;
      let answer: { code: string } | undefined;
      try {
        answer = await tab.resume(view.run.runId, this.ledger.contiguous(view), 2_000);
      } catch (error) {
        if (error instanceof TabClosedError) return false;
        throw error;
      }
      if (answer === undefined) {
        // No error: the replay is on its way (or there was nothing to replay and the run is still going).
        if (await this.ledger.until(view.run.runId, () => this.ledger.isComplete(view), Math.max(0, deadline - performance.now()))) return true;
        continue;
      }
      if (answer.code === ErrorCode.SERVICE_UNAVAILABLE || answer.code === ErrorCode.RATE_LIMITED) {
        await delay(500);
        continue;
      }
      this.ledger.violation(`resume of run ${view.run.runId} (${view.run.userId}'s own) answered ${answer.code}`);
      return false;
    }
    return this.ledger.isComplete(view);
  }

  // ───────────── a session ─────────────

  private async session(user: SoakUser): Promise<void> {
    const tabCount = this.random.int(TABS_PER_SESSION.min, TABS_PER_SESSION.max);
    for (let i = 0; i < tabCount; i += 1) await this.openTab(user);
    const first = this.tabsOf(user)[0];
    if (first !== undefined) await this.adoptOrphans(user, first);
    try {
      if (this.random.next() < this.settings.connectionHostileShare) await this.hostileConnection(user);
      const asks = this.random.int(ASKS_PER_SESSION.min, ASKS_PER_SESSION.max);
      for (let i = 0; i < asks && !this.draining; i += 1) {
        if (this.random.next() < this.settings.hostileShare) await this.hostileFrame(user);
        const leaving = i === asks - 1 && this.random.next() < this.settings.leaveMidRunShare;
        await this.ask(user, leaving);
        if (leaving) this.counts.leftMidRun += 1;
        else await delay(this.random.between(THINK_MS.min, THINK_MS.max));
      }
    } finally {
      await Promise.all(this.tabsOf(user).map((tab) => tab.close(CLOSE_TIMEOUT_MS)));
    }
  }

  private question(): string {
    return this.random.pick(QUESTIONS);
  }

  /** One question, to its end (unless `leaving`: then only until it is accepted). */
  private async ask(user: SoakUser, leaving: boolean): Promise<void> {
    this.counts.asks += 1;
    const clientMessageId = randomUUID();
    const content = this.question();
    const threadId = user.threads.length > 0 && this.random.next() < 0.6 ? this.random.pick(user.threads) : undefined;
    const accepted = await this.sendUntilAccepted(user, clientMessageId, content, threadId, ASK_DEADLINE_MS);
    if (accepted === undefined) {
      user.unacknowledged.push({ clientMessageId, content, threadId });
      return;
    }
    const { run, tab: sender } = accepted;
    if (threadId === undefined && run.threadId !== undefined && !user.threads.includes(run.threadId)) user.threads.push(run.threadId);
    if (leaving) return;

    if (this.random.next() < this.settings.resendShare) await this.resend(user, clientMessageId, content, threadId);

    const senderView = run.views.find((view) => view.tabs.includes(sender.record));
    if (senderView === undefined) return; // the run was accepted before on another tab (a retry); its views are there
    if (this.random.next() < this.settings.closeMidRunShare) {
      const midRun = await this.ledger.until(run.runId, () => (sender.record.runSeqs.get(run.runId)?.size ?? 0) >= 2 || run.finalSeq !== undefined, RUN_PATIENCE_MS);
      if (midRun && run.finalSeq === undefined && sender.isOpen) {
        this.counts.closesMidRun += 1;
        await sender.close(CLOSE_TIMEOUT_MS);
        const replacement = await this.openTab(user);
        if (replacement !== undefined) await this.adoptOrphans(user, replacement);
      }
    }
    let whole = await this.ledger.until(run.runId, () => this.ledger.isComplete(senderView), RUN_PATIENCE_MS);
    const current = this.ledger.currentTab(senderView);
    const currentTab = this.tabsOf(user).find((tab) => tab.record === current);
    if (!whole && currentTab !== undefined) whole = await this.resumeOn(currentTab, senderView);
    if (!whole) return; // left to the closing phase, which resumes what is still open
    await this.otherTabsCatchUp(user, run.views.filter((view) => view !== senderView));
  }

  /** The user's other tabs must have the whole run soon after the asking tab; a tab that misses some resumes. */
  private async otherTabsCatchUp(user: SoakUser, views: View[]): Promise<void> {
    await Promise.all(
      views.map(async (view) => {
        if (await this.ledger.until(view.run.runId, () => this.ledger.isComplete(view), OTHER_TABS_GRACE_MS)) return;
        const current = this.ledger.currentTab(view);
        const tab = this.tabsOf(user).find((t) => t.record === current);
        if (tab === undefined) return; // closed: orphaned, resumed by the next tab
        this.ledger.missedLive(view);
        await this.resumeOn(tab, view);
      }),
    );
  }

  /**
   * Sends the user_message until it is accepted, with the same
   * client_message_id, on whichever tab is open: re-sent after
   * SERVICE_UNAVAILABLE or RATE_LIMITED, after no answer, after the tab closed.
   */
  async sendUntilAccepted(
    user: SoakUser,
    clientMessageId: string,
    content: string,
    threadId: string | undefined,
    deadlineMs: number,
  ): Promise<{ run: ReturnType<Ledger['accepted']>; tab: SoakTab } | undefined> {
    const deadline = performance.now() + deadlineMs;
    while (performance.now() < deadline) {
      const tab = await this.anyTab(user);
      if (tab === undefined) {
        await delay(500);
        continue;
      }
      this.counts.attempts += 1;
      const openTabs = this.tabsOf(user).map((t) => t.record);
      const sentAt = performance.now();
      let answer;
      try {
        answer = await tab.ask(clientMessageId, content, threadId, ANSWER_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof TabClosedError) continue;
        throw error;
      }
      if (answer === undefined) continue; // no answer in time, or the tab closed: send again
      if (answer.kind === 'accepted') {
        const run = this.ledger.accepted(user.id, { clientMessageId, messageId: answer.messageId, threadId: answer.threadId, runId: answer.runId }, { content, sentAt, instance: tab.record.instance, openTabs });
        return { run, tab };
      }
      if (answer.code === ErrorCode.SERVICE_UNAVAILABLE || answer.code === ErrorCode.RATE_LIMITED) {
        if (answer.code === ErrorCode.SERVICE_UNAVAILABLE) this.counts.refusedUnavailable += 1;
        if (!answer.retryable && answer.code === ErrorCode.SERVICE_UNAVAILABLE) this.ledger.violation(`SERVICE_UNAVAILABLE without retryable:true for ${clientMessageId}`);
        await delay(Math.min(Limits.maxRetryAfterMs, answer.retryAfterMs ?? 500));
        continue;
      }
      this.ledger.violation(`user_message ${clientMessageId} of ${user.id}${threadId === undefined ? '' : ` in their thread ${threadId}`} answered ${answer.code}`);
      return undefined;
    }
    return undefined;
  }

  /** The same message again, as a client does after a reconnect: the same ids, no second run. */
  private async resend(user: SoakUser, clientMessageId: string, content: string, threadId: string | undefined): Promise<void> {
    this.counts.resendChecks += 1;
    await this.sendUntilAccepted(user, clientMessageId, content, threadId, ANSWER_TIMEOUT_MS);
  }

  // ───────────── hostile input ─────────────

  /** A malformed or forbidden frame on an open tab: exactly one error of the right code, and the tab goes on answering. */
  private async hostileFrame(user: SoakUser): Promise<void> {
    const tab = this.tabsOf(user)[0];
    if (tab === undefined) return;
    const others = this.users.filter((u) => u !== user && u.threads.length > 0);
    const foreignThread = others.length > 0 ? this.random.pick(this.random.pick(others).threads) : randomUUID();
    const foreignRun = [...this.ledger.runs.values()].find((run) => run.userId !== user.id)?.runId ?? randomUUID();
    const dbDependent = [ErrorCode.NOT_FOUND, ErrorCode.SERVICE_UNAVAILABLE];
    const cases: { name: string; frame: string; expect: readonly string[] }[] = [
      { name: 'not JSON', frame: '{"type": "user_message", "data": {', expect: [ErrorCode.INVALID_MESSAGE] },
      { name: 'a JSON array', frame: '[1, 2, 3]', expect: [ErrorCode.INVALID_MESSAGE] },
      { name: 'an unknown type', frame: JSON.stringify({ type: 'subscribe_everyone', data: {} }), expect: [ErrorCode.UNSUPPORTED_TYPE] },
      { name: 'a user_message without client_message_id', frame: JSON.stringify({ type: 'user_message', data: { content: 'hi' } }), expect: [ErrorCode.INVALID_MESSAGE] },
      {
        name: 'content of 8001 code points',
        frame: JSON.stringify({ type: 'user_message', data: { content: '€'.repeat(Limits.maxContentCodePoints + 1), client_message_id: randomUUID() } }),
        expect: [ErrorCode.INVALID_MESSAGE],
      },
      {
        name: "a user_message in another user's thread",
        frame: JSON.stringify({ type: 'user_message', data: { content: 'let me in', client_message_id: randomUUID(), thread_id: foreignThread } }),
        expect: dbDependent,
      },
      { name: 'a resume of a run that does not exist', frame: JSON.stringify({ type: 'resume', data: { run_id: randomUUID(), after_seq: 0 } }), expect: dbDependent },
      { name: "a resume of another user's run", frame: JSON.stringify({ type: 'resume', data: { run_id: foreignRun, after_seq: 0 } }), expect: dbDependent },
      { name: 'a negative after_seq', frame: JSON.stringify({ type: 'resume', data: { run_id: randomUUID(), after_seq: -1 } }), expect: [ErrorCode.INVALID_MESSAGE] },
    ];
    const hostile = this.random.pick(cases);
    this.counts.hostileFrames += 1;
    const before = tab.looseErrors.length;
    try {
      tab.sendRaw(hostile.frame);
    } catch (error) {
      if (error instanceof TabClosedError) return;
      throw error;
    }
    const answered = await tab.ping(10_000).catch((error: unknown) => {
      if (error instanceof TabClosedError) return undefined;
      throw error;
    });
    if (answered === undefined || !tab.isOpen) return; // closed meanwhile: its close code is judged
    if (!answered) {
      this.ledger.note('slow', `tab ${tab.record.id}: no pong within 10 s after ${hostile.name}`);
      return;
    }
    const errors = tab.looseErrors.slice(before).map((e) => e.code);
    if (errors.length !== 1 || !hostile.expect.includes(errors[0] as string)) {
      this.ledger.violation(`tab ${tab.record.id}: ${hostile.name} was answered with [${errors.join(', ')}], expected one error ${hostile.expect.join(' or ')}`);
    }
  }

  /** A connection the user sacrifices: a binary frame (close 1003), an oversized frame (1009), or a forged token (HTTP 401). */
  private async hostileConnection(user: SoakUser): Promise<void> {
    this.counts.hostileConnections += 1;
    const kind = this.random.pick(['binary', 'oversized', 'forged token'] as const);
    const instance = this.random.pick(this.instances);
    if (kind === 'forged token') {
      const forged = `${user.token.slice(0, -4)}AAAA`;
      const record = this.ledger.newTab(user.id, instance.name);
      const refused = await SoakTab.open(instance.wsUrl, forged, record, this.ledger, CONNECT_TIMEOUT_MS).then(
        async (tab) => {
          await tab.close(CLOSE_TIMEOUT_MS);
          return undefined;
        },
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      if (refused === undefined || !refused.includes('HTTP 401')) this.ledger.violation(`a forged token was ${refused === undefined ? 'accepted' : `refused otherwise than with 401: ${refused}`}`);
      return;
    }
    const tab = await this.openTab(user, instance);
    if (tab === undefined) return;
    const expected = kind === 'binary' ? 1003 : 1009;
    tab.record.expectedCloseCodes = [expected];
    tab.sendRaw(kind === 'binary' ? Buffer.from([0x7b, 0x7d]) : JSON.stringify({ type: 'ping', data: { nonce: 'x'.repeat(Limits.maxMessageBytes + 1024) } }));
    const code = await Promise.race([tab.closed, delay(10_000).then(() => undefined)]);
    if (code === undefined) {
      this.ledger.violation(`a ${kind} frame did not close the connection within 10 s`);
      tab.record.expectedCloseCodes = [1000];
      await tab.close(CLOSE_TIMEOUT_MS);
    }
  }

  // ───────────── the closing phase ─────────────

  /**
   * After the traffic: every message still unacknowledged is sent again
   * (same id) until accepted, every run not yet whole is resumed on a fresh
   * tab, then every thread's history is read and judged.
   */
  async reconcile(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const pendingUsers = this.users.filter((user) => user.unacknowledged.length > 0 || user.orphans.length > 0 || this.incompleteViews(user).length > 0);
    if (pendingUsers.length > 0) this.log(`closing phase: ${pendingUsers.length} users with messages to re-send or runs to resume`);
    await Promise.all(
      pendingUsers.map(async (user) => {
        user.online = true;
        const tab = await this.openTab(user, this.instances[0]);
        if (tab === undefined) return;
        try {
          // Views whose tab is still listed but closed: orphans by now.
          for (const view of this.incompleteViews(user)) if (!user.orphans.includes(view)) user.orphans.push(view);
          await this.adoptOrphans(user, tab);
          for (const message of user.unacknowledged.splice(0)) {
            const accepted = await this.sendUntilAccepted(user, message.clientMessageId, message.content, message.threadId, Math.max(1_000, deadline - performance.now()));
            if (accepted === undefined) {
              this.ledger.violation(`message ${message.clientMessageId} of ${user.id} was never accepted, even after the outages`);
              continue;
            }
            if (message.threadId === undefined && accepted.run.threadId !== undefined) user.threads.push(accepted.run.threadId);
            for (const view of accepted.run.views) await this.ledger.until(view.run.runId, () => this.ledger.isComplete(view), RUN_PATIENCE_MS);
          }
          for (const view of this.incompleteViews(user)) {
            if (!view.tabs.includes(tab.record)) {
              view.tabs.push(tab.record);
              tab.record.views.push(view);
            }
            await this.resumeOn(tab, view);
          }
        } finally {
          await tab.close(CLOSE_TIMEOUT_MS);
          user.online = false;
        }
      }),
    );
  }

  private incompleteViews(user: SoakUser): View[] {
    const views: View[] = [];
    for (const run of this.ledger.runs.values()) {
      if (run.userId !== user.id) continue;
      for (const view of run.views) if (!this.ledger.isComplete(view)) views.push(view);
    }
    return views;
  }

  /** Reads every thread of every user (re-asking while PostgreSQL answers 503) and hands it to the ledger. */
  async checkHistory(httpUrl: string, timeoutMs: number): Promise<void> {
    const threads = this.users.flatMap((user) => {
      const ids = new Set(user.threads);
      for (const run of this.ledger.runs.values()) if (run.userId === user.id && run.threadId !== undefined) ids.add(run.threadId);
      return [...ids].map((threadId) => ({ user, threadId }));
    });
    const deadline = performance.now() + timeoutMs;
    let index = 0;
    const worker = async (): Promise<void> => {
      while (index < threads.length) {
        const { user, threadId } = threads[index++] as { user: SoakUser; threadId: string };
        for (;;) {
          const response = await fetch(`${httpUrl}${HttpPath.history(threadId)}`, { headers: { Authorization: `Bearer ${user.token}` }, signal: AbortSignal.timeout(10_000) });
          if (response.status === 200) {
            const body = (await response.json()) as { messages?: HistoryEntry[] };
            this.counts.historyChecks += 1;
            this.ledger.judgeHistory(user.id, threadId, body.messages ?? []);
            break;
          }
          await response.arrayBuffer();
          if (response.status === 503 && performance.now() < deadline) {
            await delay(500);
            continue;
          }
          this.ledger.note('lost', `the history of thread ${threadId} of ${user.id} could not be read: HTTP ${response.status}`);
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
}
