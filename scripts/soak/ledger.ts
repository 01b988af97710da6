/**
 * The soak's book of everything it was told: every message the backend
 * accepted, every run and its events, and what each tab received. It judges
 * loss and duplication, never timing:
 *
 * - a run's events are numbered 1..N; two different events under one number
 *   are a duplication, whoever received them;
 * - a tab that never resumed a run receives each of its events at most once
 *   and in order; after a resume, copies are allowed but must be equal;
 * - every tab open when a message was sent must end up with the whole run
 *   (live, or by resuming on it or on the tab that replaced it): a "view";
 * - the same client_message_id accepted twice must name the same message and run.
 */
import type { Outage } from './outages';

/** `slow`: reported, never a failure (the soak judges no timing). */
export type Finding = { readonly kind: 'lost' | 'duplicated' | 'violation' | 'slow'; readonly what: string };

export interface RunRecord {
  readonly runId: string;
  userId: string;
  threadId: string | undefined;
  clientMessageId: string | undefined;
  messageId: string | undefined;
  content: string | undefined;
  /** performance.now() of the user_message that was accepted. */
  sentAt: number | undefined;
  /** Instance the accepting tab was on (where the run executes). */
  instance: string | undefined;
  /** Every event ever received, by seq, as canonical JSON. */
  readonly events: Map<number, string>;
  finalSeq: number | undefined;
  status: 'success' | 'error' | undefined;
  summary: string | undefined;
  completedSeenAt: number | undefined;
  readonly views: View[];
}

/** One tab's following of one run, carried over to the tab that replaced it. */
export interface View {
  readonly run: RunRecord;
  readonly tabs: TabRecord[];
}

export interface TabRecord {
  readonly id: number;
  readonly userId: string;
  readonly instance: string;
  /** The server answered the handshake with 101: from then on, how the connection ends is judged. */
  upgraded: boolean;
  establishedAt: number | undefined;
  closedAt: number | undefined;
  closeCode: number | undefined;
  /** seq → canonical JSON of what this tab received, per run. */
  readonly runSeqs: Map<string, Map<number, string>>;
  /** Highest seq received live (without resume) per run, for the order check. */
  readonly lastLiveSeq: Map<string, number>;
  readonly resumed: Set<string>;
  readonly views: View[];
  /** Close codes this tab may end with: 1000 (it closes itself), or what a hostile frame on it calls for. */
  expectedCloseCodes: readonly number[];
  /** When the soak sent its close frame; and whether it had to drop the connection because no close came back. */
  closingSince: number | undefined;
  terminatedByUs: boolean;
}

/** JSON with sorted keys: "identical as JSON values" whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface RunEventFrame {
  readonly type: string;
  readonly run_id: string;
  readonly seq: number;
  readonly user_id?: string;
  readonly thread_id?: string;
  readonly data?: { status?: unknown; result?: { summary?: unknown }; [key: string]: unknown };
}

export class Ledger {
  readonly runs = new Map<string, RunRecord>();
  readonly tabs: TabRecord[] = [];
  /** (user, client_message_id) → the acceptance seen first. */
  private readonly acceptances = new Map<string, { messageId: string; runId: string; threadId: string }>();
  readonly findings: Finding[] = [];
  readonly counts = {
    lost: 0,
    duplicated: 0,
    violations: 0,
    slow: 0,
    messagesAccepted: 0,
    resends: 0,
    eventsReceived: 0,
    eventsMissedLiveInCacheOutage: 0,
    viewsRecoveredByResume: 0,
  };
  private nextTabId = 1;
  private readonly watchers = new Map<string, Set<() => void>>();

  /** performance.now() of the traffic's start: times in findings are seconds since then. */
  origin = 0;

  constructor(private readonly outages: () => readonly Outage[]) {}

  at(time: number | undefined): string {
    return time === undefined ? 't=?' : `t=${((time - this.origin) / 1000).toFixed(1)}s`;
  }

  /**
   * Resolves true once `condition` holds (checked now and after every event
   * of the run), false after `timeoutMs`.
   */
  until(runId: string, condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const set = this.watchers.get(runId) ?? new Set();
      this.watchers.set(runId, set);
      const done = (value: boolean): void => {
        clearTimeout(timer);
        set.delete(check);
        if (set.size === 0) this.watchers.delete(runId);
        resolve(value);
      };
      const check = (): void => {
        if (condition()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      set.add(check);
    });
  }

  note(kind: Finding['kind'], what: string, amount = 1): void {
    if (kind === 'lost') this.counts.lost += amount;
    else if (kind === 'duplicated') this.counts.duplicated += amount;
    else if (kind === 'slow') this.counts.slow += amount;
    else this.counts.violations += amount;
    if (this.findings.length < 200) this.findings.push({ kind, what });
  }

  violation(what: string): void {
    this.note('violation', what);
  }

  newTab(userId: string, instance: string): TabRecord {
    const tab: TabRecord = {
      id: this.nextTabId++,
      userId,
      instance,
      upgraded: false,
      establishedAt: undefined,
      closedAt: undefined,
      closeCode: undefined,
      runSeqs: new Map(),
      lastLiveSeq: new Map(),
      resumed: new Set(),
      views: [],
      expectedCloseCodes: [1000],
      closingSince: undefined,
      terminatedByUs: false,
    };
    this.tabs.push(tab);
    return tab;
  }

  run(runId: string, userId: string): RunRecord {
    let run = this.runs.get(runId);
    if (run === undefined) {
      run = {
        runId,
        userId,
        threadId: undefined,
        clientMessageId: undefined,
        messageId: undefined,
        content: undefined,
        sentAt: undefined,
        instance: undefined,
        events: new Map(),
        finalSeq: undefined,
        status: undefined,
        summary: undefined,
        completedSeenAt: undefined,
        views: [],
      };
      this.runs.set(runId, run);
    }
    return run;
  }

  /**
   * A message_accepted. The first for a (user, client_message_id) creates
   * the run's views on every tab of the user open when it was sent; a later
   * one must repeat the same ids.
   */
  accepted(
    userId: string,
    acceptance: { clientMessageId: string; messageId: string; threadId: string; runId: string },
    ask: { content: string; sentAt: number; instance: string; openTabs: readonly TabRecord[] },
  ): RunRecord {
    const key = `${userId} ${acceptance.clientMessageId}`;
    const earlier = this.acceptances.get(key);
    if (earlier !== undefined) {
      this.counts.resends += 1;
      if (earlier.messageId !== acceptance.messageId || earlier.runId !== acceptance.runId || earlier.threadId !== acceptance.threadId) {
        this.note(
          'duplicated',
          `client_message_id ${acceptance.clientMessageId} of ${userId} accepted twice as different messages: first message ${earlier.messageId} run ${earlier.runId}, then message ${acceptance.messageId} run ${acceptance.runId}`,
        );
      }
      return this.run(earlier.runId, userId);
    }
    this.acceptances.set(key, { messageId: acceptance.messageId, runId: acceptance.runId, threadId: acceptance.threadId });
    this.counts.messagesAccepted += 1;
    const run = this.run(acceptance.runId, userId);
    run.threadId = acceptance.threadId;
    run.clientMessageId = acceptance.clientMessageId;
    run.messageId = acceptance.messageId;
    run.content = ask.content;
    run.sentAt = ask.sentAt;
    run.instance = ask.instance;
    for (const tab of ask.openTabs) {
      if (tab.establishedAt === undefined || tab.establishedAt > ask.sentAt || tab.closedAt !== undefined) continue;
      const view: View = { run, tabs: [tab] };
      run.views.push(view);
      tab.views.push(view);
    }
    return run;
  }

  isAccepted(userId: string, clientMessageId: string): boolean {
    return this.acceptances.has(`${userId} ${clientMessageId}`);
  }

  /** A run event received by `tab`. */
  event(tab: TabRecord, frame: RunEventFrame, now: number): void {
    this.counts.eventsReceived += 1;
    const run = this.run(frame.run_id, tab.userId);
    const text = canonical(frame);
    const known = run.events.get(frame.seq);
    if (known === undefined) run.events.set(frame.seq, text);
    else if (known !== text) this.note('duplicated', `run ${run.runId}: two different events under seq ${frame.seq} (tab ${tab.id})`);

    let seqs = tab.runSeqs.get(run.runId);
    if (seqs === undefined) {
      seqs = new Map();
      tab.runSeqs.set(run.runId, seqs);
    }
    const resumed = tab.resumed.has(run.runId);
    const mine = seqs.get(frame.seq);
    if (mine !== undefined) {
      if (!resumed) this.note('duplicated', `run ${run.runId}: tab ${tab.id} (${tab.instance}) received seq ${frame.seq} twice without a resume`);
      else if (mine !== text) this.note('duplicated', `run ${run.runId}: tab ${tab.id} received two different copies of seq ${frame.seq}`);
    } else {
      seqs.set(frame.seq, text);
    }
    if (!resumed) {
      const last = tab.lastLiveSeq.get(run.runId) ?? 0;
      if (frame.seq < last) this.violation(`run ${run.runId}: tab ${tab.id} received seq ${frame.seq} after seq ${last}, without a resume`);
      tab.lastLiveSeq.set(run.runId, Math.max(last, frame.seq));
    }
    if (frame.type === 'agent_completed') {
      if (run.finalSeq !== undefined && run.finalSeq !== frame.seq) this.note('duplicated', `run ${run.runId}: agent_completed under seq ${run.finalSeq} and under seq ${frame.seq}`);
      run.finalSeq ??= frame.seq;
      run.completedSeenAt ??= now;
      const status = frame.data?.status;
      run.status = status === 'success' ? 'success' : 'error';
      const summary = frame.data?.result?.summary;
      if (run.status === 'success' && typeof summary === 'string') run.summary = summary;
    }
    for (const check of [...(this.watchers.get(run.runId) ?? [])]) check();
  }

  /** The seqs of `view` received by any of its tabs. */
  seenBy(view: View): Set<number> {
    const seen = new Set<number>();
    for (const tab of view.tabs) for (const seq of tab.runSeqs.get(view.run.runId)?.keys() ?? []) seen.add(seq);
    return seen;
  }

  /** Highest n such that 1..n were all seen: where a resume starts. */
  contiguous(view: View): number {
    const seen = this.seenBy(view);
    let n = 0;
    while (seen.has(n + 1)) n += 1;
    return n;
  }

  isComplete(view: View): boolean {
    const final = view.run.finalSeq;
    return final !== undefined && this.contiguous(view) >= final;
  }

  currentTab(view: View): TabRecord {
    return view.tabs[view.tabs.length - 1] as TabRecord;
  }

  /**
   * A view the tab it was on did not complete live, though the run is over:
   * explained when that tab was on another instance than the run during the
   * cache outage (events cross instances through Redis, which the protocol
   * makes optional); otherwise events were lost on a live connection.
   */
  missedLive(view: View): void {
    const tab = this.currentTab(view);
    const seen = this.seenBy(view);
    const missing = (view.run.finalSeq ?? 0) - [...seen].filter((seq) => seq <= (view.run.finalSeq ?? 0)).length;
    if (missing <= 0) return;
    const crossInstance = view.run.instance !== undefined && view.run.instance !== tab.instance;
    const from = view.run.sentAt ?? 0;
    const to = view.run.completedSeenAt ?? from;
    const inCacheOutage = this.outages().some((o) => o.kind === 'cache' && o.startedAt - 2_000 <= to && (o.endedAt ?? Number.POSITIVE_INFINITY) + 3_000 >= from);
    if (crossInstance && inCacheOutage) {
      this.counts.eventsMissedLiveInCacheOutage += missing;
      return;
    }
    this.note('lost', `run ${view.run.runId}: tab ${tab.id} on instance ${tab.instance}, open throughout, missed ${missing} of its ${String(view.run.finalSeq)} events live (run on ${String(view.run.instance)})`, missing);
  }

  /** The final verdict on every view: the whole run, by whatever means. */
  judgeViews(): void {
    for (const run of this.runs.values()) {
      if (run.messageId === undefined) continue;
      if (run.finalSeq === undefined) {
        const seqs = [...run.events.keys()].sort((a, b) => a - b);
        this.note(
          'lost',
          `run ${run.runId} (message ${run.messageId}, sent ${this.at(run.sentAt)} on instance ${String(run.instance)}) never ended: no agent_completed reached any tab, ` +
            `live or by resume; events seen: seq ${seqs.join(',') || 'none'}; tabs ${run.views.map((v) => v.tabs.map((t) => `${t.id}@${t.instance}`).join('→')).join(' ')}`,
        );
        continue;
      }
      for (const view of run.views) {
        const seen = this.seenBy(view);
        const missing: number[] = [];
        for (let seq = 1; seq <= run.finalSeq; seq += 1) if (!seen.has(seq)) missing.push(seq);
        if (missing.length > 0) {
          this.note('lost', `run ${run.runId}: tabs ${view.tabs.map((t) => t.id).join('→')} never got seq ${missing.join(', ')} of ${run.finalSeq}, live or by resume`, missing.length);
        }
        const beyond = [...seen].filter((seq) => seq > (run.finalSeq ?? 0));
        if (beyond.length > 0) this.violation(`run ${run.runId}: events after agent_completed (seq ${beyond.join(', ')})`);
        if (view.tabs.length > 1 || view.tabs.some((t) => t.resumed.has(run.runId))) this.counts.viewsRecoveredByResume += 1;
      }
    }
  }

  /** History check: every accepted message once, every successful answer once, nothing else. */
  judgeHistory(userId: string, threadId: string, messages: readonly HistoryEntry[]): void {
    const expected = [...this.runs.values()].filter((run) => run.userId === userId && run.threadId === threadId && run.messageId !== undefined);
    const byMessageId = new Map<string, HistoryEntry[]>();
    for (const message of messages) byMessageId.set(message.message_id, [...(byMessageId.get(message.message_id) ?? []), message]);
    const userMessages = messages.filter((m) => m.role === 'user');
    for (const run of expected) {
      const copies = userMessages.filter((m) => m.message_id === run.messageId || (m.client_message_id !== null && m.client_message_id === run.clientMessageId));
      if (copies.length === 0) this.note('lost', `thread ${threadId} of ${userId}: accepted message ${String(run.messageId)} (client_message_id ${String(run.clientMessageId)}) is not in the history`);
      else if (copies.length > 1) this.note('duplicated', `thread ${threadId} of ${userId}: accepted message ${String(run.clientMessageId)} appears ${copies.length} times`, copies.length - 1);
      else {
        const copy = copies[0] as HistoryEntry;
        if (copy.content !== run.content) this.violation(`thread ${threadId}: message ${String(run.messageId)} came back with other content than was sent`);
        if (copy.run_id !== run.runId) this.violation(`thread ${threadId}: message ${String(run.messageId)} names run ${copy.run_id}, its message_accepted named ${run.runId}`);
      }
      const answers = messages.filter((m) => m.role === 'assistant' && m.run_id === run.runId);
      if (run.status === 'success') {
        if (answers.length === 0) this.note('lost', `thread ${threadId}: the successful answer of run ${run.runId} is not in the history`);
        else if (answers.length > 1) this.note('duplicated', `thread ${threadId}: run ${run.runId}'s answer appears ${answers.length} times`, answers.length - 1);
        else if (run.summary !== undefined && answers[0]?.content !== run.summary) this.violation(`thread ${threadId}: run ${run.runId}'s answer in history differs from its agent_completed summary`);
      } else if (answers.length > 0) {
        this.violation(`thread ${threadId}: run ${run.runId} ended with ${String(run.status)} but has ${answers.length} assistant message(s) in history`);
      }
    }
    const known = new Set(expected.map((run) => run.messageId));
    const knownRuns = new Set(expected.map((run) => run.runId));
    for (const message of messages) {
      if (message.role === 'user' && !known.has(message.message_id)) {
        this.violation(`thread ${threadId} of ${userId}: user message ${message.message_id} that no message_accepted announced`);
      }
      if (message.role === 'assistant' && !knownRuns.has(message.run_id)) {
        this.violation(`thread ${threadId} of ${userId}: assistant message for run ${message.run_id}, not a run of this thread's accepted messages`);
      }
    }
  }
}

export interface HistoryEntry {
  readonly message_id: string;
  readonly client_message_id: string | null;
  readonly role: string;
  readonly content: string;
  readonly run_id: string;
}
