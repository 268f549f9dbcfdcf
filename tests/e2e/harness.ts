/**
 * The e2e harness: the real server in-process (as main.ts serves it, Socket.IO included) on a free
 * port, against PostgreSQL in its own schema with the demo district, workers on their own queue
 * prefix, and Debian's Chromium driven by playwright-core. Screenshots go to test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../config/config';
import { seedDemoDistrict } from '../../src/demo/demo-district.seed';
import { buildApp } from '../../src/http/app';
import { createProcessPublisher, startLive, startStatusRelay } from '../../src/live/runtime';
import { createProducers } from '../../src/queue/producers';
import type { LivePublisher } from '../../src/services/live-status/live.service';
import { createProducerRedis } from '../../src/queue/redis';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { migrateToLatest, openDatabase } from '../../src/store/db';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { dropPrefix, spawnEntry, until } from '../integration/queue.fixtures';

export const ARTIFACTS = 'test-artifacts/e2e';
export const PASSWORD = 'cordon-demo-2026';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Harness {
  url: string;
  browser: Browser;
  /** The server's live publisher, to push an event as a service would. */
  live: LivePublisher;
  /** The database the server uses, to set up what no API does (a round started yesterday). */
  db: Awaited<ReturnType<typeof openDatabase>>['db'];
  /** The last `lines` lines the workers process logged (pino JSON, info and up), to say why a round did not plan. */
  workerLogTail(lines?: number): string;
  close(): Promise<void>;
}

const buildWeb = () => execFileSync('npx', ['vite', 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'error'], { stdio: 'inherit' });

/**
 * A fresh build of the page, as `npm start` makes (prestart), once per run of the suite: the first
 * e2e file builds, the others wait for it. A build per file cost every file its seconds, and with
 * files side by side one file's build emptied dist/web (vite's emptyOutDir) under another's server.
 */
async function buildWebOnce(): Promise<void> {
  const run = inject('testRunId');
  if (!run) return void buildWeb(); // not under the suite's config (tests/test-run.setup.ts)
  const marks = 'dist/.e2e-web-build';
  mkdirSync(marks, { recursive: true });
  const [done, failed] = [`${marks}/${run}.done`, `${marks}/${run}.failed`];
  try {
    writeFileSync(`${marks}/${run}.claimed`, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another file of this run is building.
    await until(() => existsSync(done) || existsSync(failed), 180_000);
    if (existsSync(failed)) throw new Error(`the web build failed (in another e2e file of this run): ${readFileSync(failed, 'utf8')}`);
    return;
  }
  for (const old of readdirSync(marks)) if (!old.startsWith(`${run}.`)) rmSync(`${marks}/${old}`, { force: true });
  try {
    buildWeb();
  } catch (err) {
    writeFileSync(failed, String(err));
    throw err;
  }
  writeFileSync(done, '');
}

export async function startHarness(): Promise<Harness> {
  await buildWebOnce();
  mkdirSync(ARTIFACTS, { recursive: true });
  const tag = `e2e_web_${process.pid}`;
  const env = {
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test',
    DATABASE_SCHEMA: tag,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    RATE_LIMIT_LOGIN_MAX: '1000',
    QUEUE_PREFIX: tag,
    // A stream of this file's own: e2e files run side by side on one Redis, and on a shared stream each
    // file's pages got the others' events too. A page keeps the highest seq it saw per scope and drops
    // anything not above it, so another file's dispatch event (its own database's seq, often higher)
    // made the desk drop this file's round.progress and round.proposed: progress stuck at 0.
    LIVE_STREAM_NAME: `${tag}:live`,
    RECONCILE_EVERY_MS: '2000',
    WORKER_DRAIN_DELAY_S: '0.2',
  };
  const config = loadConfig(env);
  const logger = createLogger({ level: 'warn', base: { proc: 'e2e' } });
  const database = await openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: config.DATA_DIR, poolSize: 10 });
  await migrateToLatest(database);
  await seedDemoDistrict({ db: database.db, clock: systemClock, foodCycleDays: config.FOOD_CYCLE_DAYS }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  const redis = createProducerRedis(config.REDIS_URL);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  const live = createProcessPublisher({ db: database.db, redis, clock: systemClock, logger, streamName: config.LIVE_STREAM_NAME });
  const queue = createProducers({ redis, prefix: tag });
  const app = buildApp({ config, db: database.db, database, logger, clock: systemClock, redis, live, queue });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // Its recovery session keys under the file's prefix too, so that close() drops them with the queues'.
  const liveServer = startLive(server, { db: database.db, redisUrl: config.REDIS_URL, publisher: live, logger, clock: systemClock, config, options: { keyPrefix: `${tag}:live` } });
  const stopRelay = startStatusRelay({ db: database.db, database, publisher: live, logger, config });
  // The browser first: if it can't start, no worker process is left behind running.
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  // Workers in their own process, as in production (their solves run in sandboxed children that load
  // TypeScript through tsx). Their log is kept (info: each job done or failed, each merge) for a test
  // to show when a round does not plan.
  const workers = spawnEntry('workers/main.ts', { ...env, LOG_LEVEL: 'info' });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    browser,
    live,
    db: database.db,
    workerLogTail: (lines = 40) => {
      // The reconciler reports every RECONCILE_EVERY_MS (2 s): its last report, not a screenful of them.
      const routine = (line: string) => line.includes('"msg":"reconciled queue with database"');
      const reconciled = workers.lines.filter(routine).at(-1);
      return [...workers.lines.filter((line) => !routine(line)).slice(-lines), ...(reconciled ? [reconciled] : [])].join('\n');
    },
    async close() {
      await browser.close();
      workers.proc.kill('SIGTERM');
      await Promise.race([workers.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await liveServer.close();
      await stopRelay();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await queue.close();
      redis.disconnect();
      // The queues' keys: left behind, every run added its ~160.
      await dropPrefix(config.REDIS_URL, tag);
      await database.db.schema.dropSchema(tag).ifExists().cascade().execute();
      await database.close();
    },
  };
}

/** A round as GET /api/rounds/:id gives it: what a test names when the round did not plan. */
interface RoundState { status: string; progress: number; failureReason: string | null; subproblems: { total: number; solved: number } }

/**
 * Waits (through the API) until the round leaves planning. Proposed: returns. Otherwise throws saying
 * what happened, so that a failure in CI is diagnosable without the workers' logs: failed (with its
 * reason), or still planning after `timeoutMs` (status, progress, sub-problems solved), each with the
 * tail of the workers' log. `token`: a session allowed to read the round (a dispatcher's).
 */
export async function roundProposed(h: Harness, token: string, roundId: string, timeoutMs = 60_000): Promise<void> {
  const read = async (): Promise<RoundState> => {
    const res = await fetch(`${h.url}/api/rounds/${roundId}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET /api/rounds/${roundId}: ${res.status} ${await res.text()}`);
    return (await res.json()) as RoundState;
  };
  const end = Date.now() + timeoutMs;
  let round = await read();
  while ((round.status === 'draft' || round.status === 'planning') && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    round = await read();
  }
  if (round.status === 'proposed') return;
  const what = round.status === 'draft' || round.status === 'planning' ? `still ${round.status} after ${timeoutMs} ms` : `ended ${round.status}`;
  const { status, progress, failureReason, subproblems } = round;
  throw new Error(`round ${roundId} ${what}: ${JSON.stringify({ status, progress, failureReason, subproblems })}\nthe workers' log, last lines:\n${h.workerLogTail()}`);
}

/**
 * Counts what the page's Content-Security-Policy blocks, from before any of its own scripts run
 * (an init script comes through the DevTools protocol, which the CSP does not govern).
 */
const CSP_LISTENER = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));`;

/** A browser context per person, phone-sized unless told otherwise; CSP violations are counted (`cspViolations`). */
/**
 * What each page still open shows, for a failed test's log: a flaky failure in CI is read from the
 * log alone (its screenshots are not kept), and "waiting for locator" says only what was missing.
 */
async function pagesShown(h: Harness): Promise<string> {
  const pages = h.browser.contexts().flatMap((c) => c.pages());
  const shown = await Promise.all(pages.map(async (page, i) => {
    const text = await page.locator('body').innerText({ timeout: 5_000 }).catch((err: Error) => `(unreadable: ${err.message})`);
    return `--- page ${i + 1} of ${pages.length}: ${page.url()}\n${text.slice(0, 4_000)}`;
  }));
  return shown.join('\n');
}

/** One service and browser for a test file: started before its tests (handed to `use`), closed after them. */
export function useHarness(use: (h: Harness) => void): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness();
    use(h);
  }, 120_000);
  afterEach(async (ctx) => {
    if (h && ctx.task.result?.state === 'fail') console.error(`what the pages showed when "${ctx.task.name}" failed:\n${await pagesShown(h)}`);
  }, 30_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);
}

export async function personPage(h: Harness, opts: { width?: number; height?: number; locale?: string; at?: { latitude: number; longitude: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport: { width: opts.width ?? 360, height: opts.height ?? 740 }, locale: opts.locale ?? 'en-US', baseURL: h.url, ...(opts.at ? { geolocation: opts.at, permissions: ['geolocation'] } : {}) });
  await context.addInitScript(CSP_LISTENER);
  const page = await context.newPage();
  return { context, page };
}

/** What the Content-Security-Policy blocked on the page since it loaded (directive and what). */
export async function cspViolations(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__csp ?? []')) as string[];
}

/**
 * Whether the page's live socket has subscribed to a scope and the server said yes, read off the
 * WebSocket frames (Socket.IO: `42<ack id>["subscribe",{"scope":...}]`, answered `43<ack id>[{"ok":true,...}]`).
 * Watch before the page connects.
 */
export function watchLiveSubscriptions(page: Page): (scope: string) => boolean {
  const acked = new Set<string>();
  page.on('websocket', (ws) => {
    const asked = new Map<string, string>();
    ws.on('framesent', ({ payload }) => {
      const m = /^42(\d+)\["(?:subscribe|resume)",(\{.*\})\]$/.exec(String(payload));
      if (m) asked.set(m[1]!, (JSON.parse(m[2]!) as { scope: string }).scope);
    });
    ws.on('framereceived', ({ payload }) => {
      const m = /^43(\d+)\[(\{.*\})\]$/.exec(String(payload));
      const scope = m ? asked.get(m[1]!) : undefined;
      if (scope && (JSON.parse(m![2]!) as { ok?: boolean }).ok) acked.add(scope);
    });
  });
  return (scope) => acked.has(scope);
}

/**
 * Tries of a login the service answers 503. A freshly started service can on a loaded machine: the
 * login rate limiter fails closed when its Redis command misses its 500 ms deadline (seen here at load
 * 30 with three e2e files side by side). A person tries again, and so do `login` and `loginToken`.
 */
const LOGIN_TRIES = 5;

export async function login(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.fill('#login-username', username);
  await page.fill('#login-password', PASSWORD);
  for (let tries = 1; ; tries++) {
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/login');
    await page.click('form button[type=submit]');
    if ((await answered).status() !== 503 || tries === LOGIN_TRIES) break;
  }
  await page.waitForSelector('[data-testid=live-status]');
}

/** A bearer token of a demo login (tried again on a 503, as `login` does); throws naming a refusal. */
export async function loginToken(h: Harness, username: string, password = PASSWORD): Promise<string> {
  for (let tries = 1; ; tries++) {
    const res = await fetch(`${h.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (res.status === 503 && tries < LOGIN_TRIES) continue;
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: the page's CSP (rightly) refuses inline scripts.
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(`${axeSource}\n;window.axe = axe;`);
  // Evaluated as text: the test files are type-checked without the DOM library.
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string; targets: string[] }[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/** No horizontal scrolling at the page's width: usable at 360 px. */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1')) as boolean;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}
