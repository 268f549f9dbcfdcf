/**
 * Process-level fixtures of the fault and start-up tests: the API (`src/main.ts`) as a real child
 * process on its own schema, an intake grid to drive it, and what Linux's /proc says about processes
 * (children, liveness, and every node process that inherited a test's tag in its environment, at any
 * depth: cluster workers, sandboxed solve children; not redis-server, whose process title overwrites
 * its environment).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request, type Agent } from 'node:http';
import { seedGrid } from '../../bench/grid.seed';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import type { Database } from '../../src/store/db';
import { REDIS_URL, spawnEntry, until, type WorkerProcess } from './queue.fixtures';

export const TAG_VARIABLE = 'CORDON_TEST_TAG';
export const ADMIN = { username: 'fault.admin', password: 'fault-password-123' };

/** Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid. Undefined once gone. */
function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const allPids = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);

/** Running (a zombie nobody reaped yet has ended: it holds no memory and runs nothing). */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s[0] !== 'Z' && s[0] !== 'X';
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Live children of `pid` whose command line matches (tsx's esbuild service is a child of every node process here). */
export function childPidsOf(pid: number, command: RegExp = /^(\S*\/)?node /): number[] {
  return allPids().filter((p) => stat(p)?.[1] === String(pid) && isAlive(p) && command.test(commandOf(p)));
}

/** Live processes whose environment carries this tag (inherited from a process spawned with it). */
export function pidsTagged(tag: string): number[] {
  const needle = `${TAG_VARIABLE}=${tag}\0`;
  return allPids().filter((p) => {
    try {
      return isAlive(p) && readFileSync(`/proc/${p}/environ`, 'latin1').includes(needle);
    } catch {
      return false;
    }
  });
}

export interface ApiProcess extends WorkerProcess {
  tag: string;
  /** The URL the API logged once listening (the single-process log line). */
  url(timeoutMs?: number): Promise<string>;
}

/** Starts `src/main.ts` (what `npm start` runs) with test defaults: no demo seed, no workers, no Redis autostart. */
export function spawnApi(env: Record<string, string>): ApiProcess {
  const tag = randomUUID();
  const w = spawnEntry('src/main.ts', {
    HOST: '127.0.0.1', PORT: '0', DEMO_SEED: 'off', WORKERS: 'off', REDIS_URL, REDIS_AUTOSTART: 'off',
    RATE_LIMIT_INTAKE_MAX: '10000000', [TAG_VARIABLE]: tag, ...env,
  });
  return {
    ...w,
    tag,
    async url(timeoutMs = 60_000) {
      await until(() => w.lines.some((l) => l.includes('Cordon API listening')) || w.proc.exitCode !== null, timeoutMs);
      const line = w.lines.find((l) => l.includes('Cordon API listening'));
      if (!line) throw new Error(`API exited before listening:\n${w.lines.join('\n')}`);
      return (JSON.parse(line) as { url: string }).url;
    },
  };
}

/** Households for intake (one community) and an admin account; returns the household ids. */
export async function seedIntake(database: Database, households: number): Promise<string[]> {
  const grid = await seedGrid(database, { households, corridors: 4 });
  await createAccount({ db: database.db }, { ...ADMIN, role: 'admin' }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  return grid.households;
}

export async function loginAdmin(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  needId?: string;
}

/** POSTs the i-th distinct need (a medicine with its own drug name: never merged) over `agent`. */
export function postNeed(url: string, agent: Agent, token: string, household: string, i: number): Promise<Answer> {
  const body = JSON.stringify({ kind: 'medicine', details: { drug: `Fault drug ${i}`, strength: '10 mg', quantity: 30, urgency: 'routine' } });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/households/${household}/needs`, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const parsed = status < 300 ? (JSON.parse(Buffer.concat(chunks).toString()) as { need?: { id?: string } }) : {};
        resolve({ status, headers: res.headers, ...(parsed.need?.id ? { needId: parsed.need.id } : {}) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
