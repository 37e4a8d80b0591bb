/**
 * CPU time by part of the system, read from /proc (Linux): a process and its live descendants, or
 * every process of a command name (pcscd, postgres). A benchmark takes a snapshot before and after
 * a cell and prints the CPU each part spent per card: on a machine whose cores are all busy, that
 * says which part holds the throughput.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime of the process and of its waited-for children, in seconds. */
  cpu: number;
}

function readAll(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // comm is in parentheses and may hold spaces: the fields after the last ')' are fixed.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    out.push({ pid: Number(d), ppid: Number(f[1]), comm, cpu: ticks / TICK });
  }
  return out;
}

/** What each part is: process ids (with their descendants) or a command name. */
export type CpuParts = Record<string, { pids: number[] } | { comm: string }>;

/** CPU seconds per part now; `self` parts count this process without its children. */
export function cpuSnapshot(parts: CpuParts): Record<string, number> {
  const all = readAll();
  const children = new Map<number, ProcStat[]>();
  for (const p of all) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const tree = (pid: number): number => {
    const p = byPid.get(pid);
    if (!p) return 0;
    return p.cpu + (children.get(pid) ?? []).reduce((t, c) => t + tree(c.pid), 0);
  };
  const out: Record<string, number> = {};
  for (const [name, what] of Object.entries(parts))
    out[name] =
      'pids' in what
        ? what.pids.reduce((t, pid) => t + tree(pid), 0)
        : all.filter((p) => p.comm === what.comm).reduce((t, p) => t + p.cpu, 0);
  return out;
}

/** This process alone (threads included, children not), in seconds. */
export function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
