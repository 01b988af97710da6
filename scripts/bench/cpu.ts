/**
 * CPU time used by the processes of a measurement, to show where the time
 * goes: the server under test, its Redis and PostgreSQL, and this client.
 * Read from /proc on Linux; elsewhere only the client's own figure exists.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export type CpuSample = Record<string, number>;

/** A process to watch; `tree` adds its children (live ones, and the reaped ones' totals). */
export interface WatchedProcess {
  readonly pid: number | undefined;
  readonly tree?: boolean;
}

function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch (error) {
    process.stderr.write(`bench: getconf CLK_TCK failed (${String(error)}); assuming 100 ticks per second\n`);
    return 100;
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES';
}

interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in ticks. */
  readonly own: number;
  /** cutime + cstime: children already reaped, in ticks. */
  readonly reaped: number;
}

/** /proc/PID/stat, or undefined when the process is gone. */
function procStat(pid: number | string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
  // Fields after "(comm)" start at field 3 (state): ppid is field 4, utime..cstime fields 14..17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const at = (field: number): number => fields[field - 3] ?? 0;
  return { ppid: at(4), own: at(14) + at(15), reaped: at(16) + at(17) };
}

function processIds(): string[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
}

function cmdline(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/** The first process whose command line passes `test`, or undefined (also off Linux). */
export function findProcess(test: (commandLine: string) => boolean): number | undefined {
  if (process.platform !== 'linux') return undefined;
  for (const pid of processIds()) {
    const line = cmdline(pid);
    if (line !== undefined && test(line)) return Number(pid);
  }
  return undefined;
}

/** redis-server renames itself to "redis-server 127.0.0.1:PORT". */
export const redisServerOn = (port: string): ((line: string) => boolean) => (line) =>
  (line.startsWith('redis-server') || line.includes('/redis-server')) && (line.includes(`:${port} `) || line.includes(`--port ${port} `));

/** The postmaster: "…/postgres -D DIR -p PORT …". */
export const postmasterOn = (port: string): ((line: string) => boolean) => (line) =>
  /(^|\/)postgres /.test(line) && line.includes(' -D ') && line.includes(` -p ${port} `);

/** Samples the CPU time (ms) of named processes, plus this one as "client". */
export class CpuMeter {
  readonly available = process.platform === 'linux';
  private readonly msPerTick = this.available ? 1000 / clockTicksPerSecond() : 0;

  constructor(private readonly watched: Record<string, WatchedProcess>) {}

  sample(): CpuSample {
    const usage = process.cpuUsage();
    const sample: CpuSample = { client: (usage.user + usage.system) / 1000 };
    if (!this.available) return sample;
    sample.machine = machineBusyTicks() * this.msPerTick;
    const trees = Object.values(this.watched).some((w) => w.tree === true) ? this.childrenByParent() : new Map<number, number[]>();
    for (const [name, { pid, tree }] of Object.entries(this.watched)) {
      if (pid === undefined) continue;
      const stat = procStat(pid);
      if (stat === undefined) continue;
      let ticks = stat.own;
      if (tree === true) {
        ticks += stat.reaped;
        for (const child of trees.get(pid) ?? []) ticks += procStat(child)?.own ?? 0;
      }
      sample[name] = ticks * this.msPerTick;
    }
    return sample;
  }

  private childrenByParent(): Map<number, number[]> {
    const children = new Map<number, number[]>();
    for (const pid of processIds()) {
      const stat = procStat(pid);
      if (stat === undefined) continue;
      const list = children.get(stat.ppid) ?? [];
      list.push(Number(pid));
      children.set(stat.ppid, list);
    }
    return children;
  }

  static since(before: CpuSample, after: CpuSample): CpuSample {
    const used: CpuSample = {};
    for (const [name, ms] of Object.entries(after)) {
      const start = before[name];
      if (start !== undefined) used[name] = ms - start;
    }
    return used;
  }
}

/** user + nice + system of all CPUs, from the first line of /proc/stat (softirq, irq and steal left out). */
function machineBusyTicks(): number {
  const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user, nice, system] = first.trim().split(/\s+/).map(Number);
  return (user ?? 0) + (nice ?? 0) + (system ?? 0);
}

/** CPU ms of processes the bench did not start: the whole machine minus every watched process. */
export function othersMs(used: CpuSample): number | undefined {
  if (used.machine === undefined) return undefined;
  const ours = Object.entries(used).reduce((sum, [name, ms]) => (name === 'machine' ? sum : sum + ms), 0);
  return Math.max(0, used.machine - ours);
}

/** Adds `more` into `total`, name by name. */
export function addCpu(total: CpuSample, more: CpuSample): void {
  for (const [name, ms] of Object.entries(more)) total[name] = (total[name] ?? 0) + ms;
}

/** ms of CPU per unit of work, name by name, to 3 decimals. */
export function cpuPer(total: CpuSample, units: number): CpuSample {
  const per: CpuSample = {};
  for (const [name, ms] of Object.entries(total)) per[name] = units > 0 ? Math.round((ms / units) * 1000) / 1000 : 0;
  return per;
}
