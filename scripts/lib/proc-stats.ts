/**
 * What a process (and the processes it started) holds, read from /proc on
 * Linux: resident memory, open file descriptors by kind (TCP connections by
 * what they lead to, listening sockets, Unix sockets, pipes, event fds,
 * files), and its file-descriptor limit, which it can raise up to the hard
 * limit with prlimit(1). Off Linux every figure is `undefined` and says so.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export const PROC_AVAILABLE = process.platform === 'linux';

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES' || code === 'ENOTDIR';
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/** The process and all its descendants (a shell and what it runs, a cluster and its workers). */
export function processTree(root: number): number[] {
  if (!PROC_AVAILABLE) return [root];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrUndefined(`/proc/${entry}/stat`);
    if (stat === undefined) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident set size in bytes (VmRSS), or undefined when the process is gone. */
export function rssBytes(pid: number): number | undefined {
  const status = readOrUndefined(`/proc/${pid}/status`);
  const match = status === undefined ? null : /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** Summed over the tree; undefined when the root is gone or off Linux. */
export function treeRssBytes(root: number): number | undefined {
  if (!PROC_AVAILABLE || rssBytes(root) === undefined) return undefined;
  return processTree(root).reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
}

/** How to name TCP connections by their ports: the listening ports of the process are its clients. */
export interface SocketLabels {
  /** Remote port → label (e.g. the PostgreSQL proxy's port → "postgres"). */
  readonly remotePorts?: ReadonlyMap<number, string>;
  /** Local ports the process serves on: connections to them are "clients". */
  readonly servedPorts?: ReadonlySet<number>;
}

interface TcpSocket {
  readonly localPort: number;
  readonly remotePort: number;
  readonly listening: boolean;
}

/** inode → TCP socket, from /proc/PID/net/tcp{,6} (the process's network namespace). */
function tcpSockets(pid: number): Map<string, TcpSocket> {
  const sockets = new Map<string, TcpSocket>();
  for (const file of ['tcp', 'tcp6']) {
    const table = readOrUndefined(`/proc/${pid}/net/${file}`);
    if (table === undefined) continue;
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const local = fields[1] ?? '';
      const remote = fields[2] ?? '';
      const inode = fields[9] ?? '0';
      if (inode === '0') continue;
      sockets.set(inode, {
        localPort: parseInt(local.slice(local.lastIndexOf(':') + 1), 16),
        remotePort: parseInt(remote.slice(remote.lastIndexOf(':') + 1), 16),
        listening: fields[3] === '0A',
      });
    }
  }
  return sockets;
}

function unixSocketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  const table = readOrUndefined(`/proc/${pid}/net/unix`);
  for (const line of (table ?? '').split('\n').slice(1)) {
    const inode = line.trim().split(/\s+/)[6];
    if (inode !== undefined) inodes.add(inode);
  }
  return inodes;
}

export type FdKinds = Record<string, number>;

/** Open file descriptors of one process by kind, or undefined when it is gone. */
export function fdKinds(pid: number, labels: SocketLabels = {}): FdKinds | undefined {
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/fd`);
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
  const kinds: FdKinds = {};
  const add = (kind: string): void => {
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  };
  let tcp: Map<string, TcpSocket> | undefined;
  let unix: Set<string> | undefined;
  for (const fd of entries) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch (error) {
      if (isGone(error)) continue; // closed between the listing and the read
      throw error;
    }
    const socket = /^socket:\[(\d+)\]$/.exec(target);
    if (socket !== null) {
      const inode = socket[1] as string;
      tcp ??= tcpSockets(pid);
      const found = tcp.get(inode);
      if (found !== undefined) {
        if (found.listening) add('tcp listening');
        else if (labels.servedPorts?.has(found.localPort) === true) add('tcp clients');
        else add(`tcp → ${labels.remotePorts?.get(found.remotePort) ?? 'other'}`);
        continue;
      }
      unix ??= unixSocketInodes(pid);
      add(unix.has(inode) ? 'unix socket' : 'other socket');
      continue;
    }
    if (target.startsWith('pipe:')) add('pipe');
    else if (target.startsWith('anon_inode:')) add(target.slice('anon_inode:'.length).replace(/^\[|\]$/g, ''));
    else if (target.startsWith('/dev/')) add('device');
    else add('file');
  }
  return kinds;
}

/** Summed over the tree; undefined when the root is gone or off Linux. */
export function treeFdKinds(root: number, labels: SocketLabels = {}): FdKinds | undefined {
  if (!PROC_AVAILABLE) return undefined;
  const rootKinds = fdKinds(root, labels);
  if (rootKinds === undefined) return undefined;
  const total: FdKinds = { ...rootKinds };
  for (const pid of processTree(root).slice(1)) {
    for (const [kind, count] of Object.entries(fdKinds(pid, labels) ?? {})) total[kind] = (total[kind] ?? 0) + count;
  }
  return total;
}

export const fdTotal = (kinds: FdKinds): number => Object.values(kinds).reduce((sum, n) => sum + n, 0);

export interface FdLimit {
  readonly soft: number;
  readonly hard: number;
}

/** The process's open-files limit (Max open files in /proc/PID/limits). */
export function fdLimit(pid: number): FdLimit | undefined {
  const limits = readOrUndefined(`/proc/${pid}/limits`);
  const match = limits === undefined ? null : /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  if (match === null) return undefined;
  const value = (text: string | undefined): number => (text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/**
 * Raises the soft open-files limit of a running process to `wanted`, or to
 * its hard limit when that is lower (what an unprivileged process may do for
 * itself; prlimit(1) does it from outside, which Node cannot do for itself).
 * Returns the limit in force afterwards, and why it could not be raised.
 */
export function raiseFdLimit(pid: number, wanted: number): { readonly limit: FdLimit | undefined; readonly problem?: string } {
  const before = fdLimit(pid);
  if (before === undefined) return { limit: undefined, problem: 'no /proc/PID/limits (not Linux?)' };
  const target = Math.min(wanted, before.hard);
  if (before.soft >= target) return { limit: before };
  try {
    execFileSync('prlimit', [`--pid=${pid}`, `--nofile=${target}:${before.hard === Number.POSITIVE_INFINITY ? 'unlimited' : before.hard}`], { stdio: 'pipe' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { limit: before, problem: `prlimit could not raise it from ${before.soft} to ${target}: ${message.split('\n')[0] ?? message}` };
  }
  return { limit: fdLimit(pid) };
}
