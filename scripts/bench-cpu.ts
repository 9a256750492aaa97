// CPU accounting of a benchmark run (Linux /proc; undefined elsewhere): how much of the machine the
// apps, the PostgreSQL backends, this script and everything else used between two snapshots.
// Unlike latency, CPU time per unit of work barely moves when other processes share the machine.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { backendPids, waitForIdleBackends, type SqlClient } from './bench-database.js';
import { machineTicks, say } from './bench-support.js';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux we run on

/** CPU time a process has used so far, in clock ticks (utime + stime); undefined without it. */
export function processTicks(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number } | undefined;
  /** Ticks of the named processes that could be read. */
  processes: Map<string, number>;
  postgres: Map<number, number>;
  self: NodeJS.CpuUsage;
}

/** Percent of one core each: 200 % is both cores of a 2-core machine. */
export interface CpuShares {
  /** The named processes read at both ends, in the order they were named. */
  processes: Map<string, number>;
  postgres: number;
  /** This script: the load generator. */
  bench: number;
  machine: number;
}

/** The machine's busy share between two readings of /proc/stat, in percent of one core. */
function machineShare(
  before: { busy: number; total: number },
  after: { busy: number; total: number },
): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.busy - before.busy) / total) * os.availableParallelism() * 100 : Number.NaN;
}

/**
 * Waits (at most `quietSeconds`; 0: not at all) until the rest of the machine uses less than a
 * quarter of a core, measured over one second while the bench and the apps idle.
 */
export async function waitForQuietMachine(quietSeconds: number): Promise<void> {
  if (quietSeconds <= 0) return;
  const started = Date.now();
  for (;;) {
    const before = machineTicks();
    await sleep(1_000);
    const after = machineTicks();
    if (!before || !after) return;
    const busy = machineShare(before, after);
    const waited = (Date.now() - started) / 1000;
    if (busy < 25 || waited >= quietSeconds) {
      if (waited > 1.5)
        say(`waited ${waited.toFixed(0)} s for other processes (now ${busy.toFixed(0)}% busy)`);
      return;
    }
  }
}

export class CpuMeter {
  constructor(
    private readonly options: {
      admin: SqlClient;
      /** The bench database: its backends' CPU is PostgreSQL's share. */
      database: string;
      /** Server processes counted as PostgreSQL's too (e.g. 'walwriter'). */
      backendTypes: readonly string[];
      /** The processes measured by name (the app under test, Redis…); undefined: not measurable. */
      pids: Record<string, number | undefined>;
      /** How long `start` waits for the previous scenario's statements to finish. */
      drainTimeoutMs?: number;
      /** BENCH_QUIET_SECONDS: how long `start` may wait for other processes to go quiet. */
      quietSeconds?: number;
    },
  ) {}

  /**
   * Before a scenario: waits until the previous one's statements are done and (with
   * `quietSeconds`) the machine is quiet, then takes the snapshot the scenario is measured from.
   */
  async start(): Promise<CpuSnapshot> {
    await waitForIdleBackends(
      this.options.admin,
      this.options.database,
      this.options.drainTimeoutMs ?? 30_000,
    );
    await waitForQuietMachine(this.options.quietSeconds ?? 0);
    return this.snapshot();
  }

  async snapshot(): Promise<CpuSnapshot> {
    const { admin, database, backendTypes, pids } = this.options;
    const postgres = new Map<number, number>();
    for (const pid of await backendPids(admin, database, backendTypes)) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) postgres.set(pid, ticks);
    }
    const processes = new Map<string, number>();
    for (const [name, pid] of Object.entries(pids)) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) processes.set(name, ticks);
    }
    return { at: performance.now(), machine: machineTicks(), processes, postgres, self: process.cpuUsage() };
  }

  async since(start: CpuSnapshot): Promise<CpuShares | undefined> {
    return this.between(start, await this.snapshot());
  }

  between(start: CpuSnapshot, end: CpuSnapshot): CpuShares | undefined {
    if (!start.machine || !end.machine) return undefined;
    const seconds = (end.at - start.at) / 1000;
    const share = (ticks: number) => (ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100;
    const processes = new Map<string, number>();
    for (const [name, ticks] of end.processes) {
      const before = start.processes.get(name);
      if (before !== undefined) processes.set(name, share(ticks - before));
    }
    let postgresTicks = 0;
    // A backend that started in between (a pool reconnects after idling) counts from 0.
    for (const [pid, ticks] of end.postgres) postgresTicks += ticks - (start.postgres.get(pid) ?? 0);
    const self = process.cpuUsage(start.self);
    return {
      processes,
      postgres: share(postgresTicks),
      bench: ((self.user + self.system) / 1e6 / seconds) * 100,
      machine: machineShare(start.machine, end.machine),
    };
  }
}
