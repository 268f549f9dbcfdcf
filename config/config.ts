/**
 * Every setting Cordon reads from the environment (API and workers alike), validated once at start-up.
 * Nothing else reads `process.env`: the parsed, frozen `Config` is passed down explicitly.
 */
import { z } from 'zod';
import { QUEUE, type QueueName } from '../src/contracts/jobs';
import { DEFAULT_CONTROL_STATUSES, DEFAULT_RISK_LEVELS, riskMapListSchema } from '../src/domain/risk-map';
import { webhookSettings } from './webhook-settings';
import { isTimeZone, noticeSettings } from './notice-settings';

const bool = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'on' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const queueNames = Object.values(QUEUE) as [QueueName, ...QueueName[]];

/** `https://host[:port]` exactly as a browser sends it in `Origin` (no path, no trailing slash). */
/** A JSON list of risk map entries (code, label {en, zh}, colour #rrggbb); unset: the reports' defaults. */
const riskMapList = (fallback: typeof DEFAULT_RISK_LEVELS) =>
  z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'JSON, e.g. [{"code":"red","label":{"en":"High risk","zh":"高风险"},"colour":"#d7191c"}]' });
        return z.NEVER;
      }
    })
    .pipe(riskMapListSchema)
    .default([...fallback]);

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

export const configSchema = z.object({
  /** HTTP port; 0 picks a free one (tests). Default 3000. */
  PORT: int(0, 65535).default(3000),
  /** Interface to bind. Default 0.0.0.0. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** PostgreSQL connection string; unset: embedded PGlite under DATA_DIR. */
  DATABASE_URL: z.url().optional(),
  /** Postgres schema (search_path) to use; tests give each file its own. Default public. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case SQL identifier').default('public'),
  /** Connections in the pg pool (per process). Default 20. */
  DATABASE_POOL_SIZE: int(1, 500).default(20),
  /**
   * Longest wait in ms between the need status relay's polls when idle. Only the fallback: each
   * change's NOTIFY wakes the relay at commit. Default 2000.
   */
  NEED_STATUS_POLL_MS: int(50, 60_000).default(2000),
  /** Directory of the embedded PGlite database. Default ./data. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Redis for queues, live status and shared rate limits. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Start a local redis-server when none answers at REDIS_URL (npm start only). Default on. */
  REDIS_AUTOSTART: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A request at least this slow (ms) is logged at warn with `slow: true`. Default 2000. */
  SLOW_REQUEST_MS: z.coerce.number().int().positive().default(2000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Idle lifetime of a login session, in hours. Default 12. */
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  /** How long an Idempotency-Key (and its stored response) is kept; a retry later than this is a new request. Default 48. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().max(24 * 365).default(48),
  /** HMAC secret signing medical passes; at least 32 characters. Required in production. */
  PASS_SIGNING_SECRET: z.string().min(32).optional(),
  /** Login attempts per IP and account per window. Default 10 per 15 min. */
  RATE_LIMIT_LOGIN_MAX: int(1, 100_000).default(10),
  RATE_LIMIT_LOGIN_WINDOW_S: int(1, 86_400).default(900),
  /** Intake requests per actor per window. Default 600 per minute. */
  RATE_LIMIT_INTAKE_MAX: int(1, 10_000_000).default(600),
  RATE_LIMIT_INTAKE_WINDOW_S: int(1, 86_400).default(60),
  /** Largest JSON body accepted, in bytes. Default 64 KiB. */
  BODY_LIMIT_JSON_BYTES: int(256, 10_000_000).default(64 * 1024),
  /** Largest CSV import body, in bytes. Default 2 MiB. */
  BODY_LIMIT_CSV_BYTES: int(256, 100_000_000).default(2 * 1024 * 1024),
  /** Most data rows in one CSV import. Default 5,000. */
  CSV_MAX_ROWS: int(1, 1_000_000).default(5000),
  /** Largest household register file (CSV or .xlsx), in bytes; streamed, never held whole. Default 256 MiB. */
  REGISTER_IMPORT_MAX_BYTES: int(256, 2_000_000_000).default(256 * 1024 * 1024),
  /** Most data rows in one household register file. Default 500,000. */
  REGISTER_IMPORT_MAX_ROWS: int(1, 5_000_000).default(500_000),
  /** Largest grid file (CSV or .xlsx), in bytes. Default 32 MiB (a district of 5,000 corridors is about 0.5 MB). */
  GRID_IMPORT_MAX_BYTES: int(256, 2_000_000_000).default(32 * 1024 * 1024),
  /** Most data rows (areas) in one grid file. Default 100,000. */
  GRID_IMPORT_MAX_ROWS: int(1, 5_000_000).default(100_000),
  /** Largest GeoJSON outline upload, in bytes (parsed whole, unlike the table imports). Default 16 MiB. */
  GRID_OUTLINE_MAX_BYTES: int(256, 200_000_000).default(16 * 1024 * 1024),
  /** CJK font of the printable account sheet (a .ttf, or `file.ttc#Face`); default the Debian fonts-wqy-microhei (or -zenhei) file. */
  ACCOUNT_SHEET_FONT: z.string().min(1).optional(),
  /** Directory of the photos taken at the gate (failed doors, handoffs); default `<DATA_DIR>/gate-photos` (a volume in production). */
  GATE_PHOTO_DIR: z.string().min(1).optional(),
  /** Largest gate photo upload, in bytes (JPEG, PNG or WebP). Default 5 MiB. */
  GATE_PHOTO_MAX_BYTES: int(1024, 50 * 1024 * 1024).default(5 * 1024 * 1024),
  /**
   * Share of a waste trip's picked-up weight by which the weight at the disposal site may differ
   * before the trip is flagged to the dispatch desk (issue #18, item 2). Default 0.1 (10%).
   */
  WASTE_WEIGHT_TOLERANCE: z.coerce.number().min(0).max(1).default(0.1),
  /**
   * Driver limits (issue #18, item 3; defaults from the Chinese road transport rules, README "Driver
   * shifts"): most driving in a day and without a break, the break that ends a stretch, most rostered
   * duty in a day, least rest between duties. Minutes.
   */
  DRIVER_MAX_DRIVING_MIN: int(60, 24 * 60).default(8 * 60),
  DRIVER_MAX_CONTINUOUS_MIN: int(30, 24 * 60).default(4 * 60),
  DRIVER_MIN_BREAK_MIN: int(0, 240).default(20),
  DRIVER_MAX_DUTY_MIN: int(60, 24 * 60).default(12 * 60),
  DRIVER_MIN_REST_MIN: int(0, 24 * 60).default(8 * 60),
  /** IANA time zone in which shift templates' start times are read (a new template keeps it). Default Asia/Shanghai. */
  ROSTER_TIME_ZONE: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  /** Minutes a resident sign-up code (issued by a unit chief for a household) stays valid. Default 120. */
  SIGNUP_CODE_TTL_MIN: int(1, 7 * 24 * 60).default(120),
  /**
   * The risk map's control statuses (issue #15, item 4), most severe first, as a JSON list of
   * `{"code","label":{"en","zh"},"colour":"#rrggbb"}`; an area's status must be one of these codes.
   * Default: sealed (封控区), controlled (管控区), precaution (防范区).
   */
  CONTROL_STATUSES: riskMapList(DEFAULT_CONTROL_STATUSES),
  /** The risk map's levels, same shape. Default the five-colour map: red, orange, yellow, blue, green. */
  RISK_LEVELS: riskMapList(DEFAULT_RISK_LEVELS),
  /** Seed the demo district on an empty database. Default on. */
  DEMO_SEED: bool.default(true),
  /** Map tile URL template for the web app. */
  TILE_URL: z.string().min(1).optional(),
  /** Number of trusted reverse proxies in front of the API (express `trust proxy`). Default 0. */
  TRUST_PROXY: int(0, 10).default(0),
  /**
   * Other web origins allowed to call the API from a browser (CORS), comma-separated, e.g.
   * `https://ops.example.org`. Such callers use bearer tokens: the session cookie is SameSite=Strict.
   * Default none: CORS off, only the app's own page calls the API from a browser.
   */
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o.length > 0))
    .pipe(z.array(z.string().refine(isOrigin, 'a comma-separated list of origins such as https://ops.example.org (scheme, host, optional port; no path)')))
    .default([]),
  /** Daily cut-off of medicine purchase orders, local time with its UTC offset: later needs go to the next day's order. Default 16:00Z. */
  PROCUREMENT_CUTOFF: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM with a UTC offset, e.g. 16:00+08:00').default('16:00Z'),
  /**
   * Days of a food entitlement cycle: each household is owed one food package per cycle, and a
   * scheduled food round first creates the current cycle's. Cycles count whole UTC days from Monday
   * 1970-01-05, so 7 is the ISO week households submit (2026-W48). Default 3.
   */
  FOOD_CYCLE_DAYS: int(1, 28).default(3),
  /**
   * Bearer token a Prometheus scraper sends to GET /metrics (API and workers). Unset: /metrics is not
   * served at all (404). At least 16 characters.
   */
  METRICS_TOKEN: z.string().min(16).regex(/^\S+$/, 'no spaces').optional(),
  /**
   * The queue dashboard (/admin/queues, admins only) lets admins retry failed jobs; every other
   * action (clean, remove, pause, promote) stays refused. Default off: the dashboard is read-only.
   */
  QUEUE_DASHBOARD_RETRY: bool.default(false),
  /** API processes (node cluster) started by `npm start`. Default 1. */
  API_PROCESSES: int(1, 64).default(1),
  /**
   * `inline`: `npm start` also runs the workers (planning, outbox relay, urgent insertions), once,
   * in its primary process; with PGlite they share its one database handle. `off`: run them
   * separately with `npm run workers` (PostgreSQL only). Default inline.
   */
  WORKERS: z.enum(['inline', 'off']).default('inline'),

  // The workers (npm run workers, or inline in npm start); the API enqueues on the same QUEUE_PREFIX.
  /** Key prefix of every queue. Default `cordon`; tests give each file its own. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('cordon'),
  /** Queues this process serves, comma separated. Default: all of them. */
  WORKER_QUEUES: z
    .string()
    .transform((s) => s.split(',').map((q) => q.trim()).filter(Boolean))
    .pipe(z.array(z.enum(queueNames)).min(1))
    .optional(),
  /**
   * Port of the workers process's probe and metrics listener (GET /healthz, /readyz, /metrics), on
   * HOST; 0 picks a free one (logged), `off` runs none. Not used by workers inline in `npm start`:
   * the API's port serves those. Default 9464.
   */
  WORKER_PROBE_PORT: z
    .union([z.literal('off'), int(0, 65535)], { error: 'a port (1-65535; 0 picks a free one) or off' })
    .transform((v) => (v === 'off' ? null : v))
    .default(9464),
  /**
   * Sub-problems solved at once by this process (one sandboxed child each). Default 2: while one child
   * searches, the other reads its sub-problem or stores its result. A search's budget is CPU time,
   * at most twice that on the wall clock (workers/planning-priority.ts), so two at once on one core plan as well as one.
   */
  WORKER_SOLVE_CONCURRENCY: int(1, 64).default(2),
  /** Ms a job lock lives without renewal; a dead worker's job is retaken after it. Default 30000. */
  WORKER_LOCK_DURATION_MS: int(500, 600_000).default(30_000),
  /** Ms between stalled-job checks. Default 30000; tests use ~1000. */
  WORKER_STALLED_INTERVAL_MS: int(200, 600_000).default(30_000),
  /**
   * Seconds an idle worker blocks waiting for a job before polling again. Default 0.25: a flow adds its
   * children at once but wakes one idle worker only, so the others find theirs on their next poll.
   */
  WORKER_DRAIN_DELAY_S: z.coerce.number().min(0.05).max(60).default(0.25),
  /** Times a job may stall (its worker died) before it fails. Default 3. */
  WORKER_MAX_STALLED: int(0, 100).default(3),
  /** Run even when Redis' maxmemory-policy is not `noeviction` (jobs may then vanish). Default off. */
  WORKER_ALLOW_EVICTION: bool.default(false),
  /** Ms between reconciler runs in each process (0: only at start-up and on reconnect). Default 60000. */
  RECONCILE_EVERY_MS: int(0, 86_400_000).default(60_000),
  /** Hours between scheduled food rounds per community (0: none, rounds are started by dispatchers). Default 0. */
  ROUND_EVERY_FOOD_H: z.coerce.number().min(0).max(24 * 30).default(0),
  /** Hours between scheduled medicine rounds per community (0: none). Default 0. */
  ROUND_EVERY_MEDICINE_H: z.coerce.number().min(0).max(24 * 30).default(0),
  /**
   * Hours between scheduled waste rounds per district (0: none). 24 collects every day what the
   * corridors' waste schedules make due and what unit chiefs asked for. Default 0.
   */
  ROUND_EVERY_WASTE_H: z.coerce.number().min(0).max(24 * 30).default(0),
  /** Publish live events (round progress and proposals, urgent insertions) to the Socket.IO stream. Default on. */
  LIVE_EVENTS: bool.default(true),
  /**
   * Redis stream of the live events: the API's Socket.IO servers read it (their adapter's streamName),
   * the API and the workers publish to it. Deployments sharing one Redis need one each. Default socket.io.
   */
  LIVE_STREAM_NAME: z.string().min(1).default('socket.io'),
  /** Longest wait in ms between outbox polls when idle. Only the fallback: intake's NOTIFY wakes the relay at commit. Default 2000. */
  OUTBOX_POLL_MS: int(10, 60_000).default(2000),
  /** Solve time budget per sub-problem in ms, unless the round sets one. Default 10000. */
  SOLVE_TIME_LIMIT_MS: int(50, 3_600_000).default(10_000),
  /** Routes of each sub-problem's search kept with its result for set partitioning at the merge (0: none). Default 500. */
  SOLVE_POOL_ROUTES: int(0, 20_000).default(500),
  /** Set partitioning (HiGHS) over the sub-problems' route pools at a round's merge. Default on. */
  MERGE_SET_PARTITIONING: bool.default(true),
  /** Longest set partitioning at a merge, ms (it also takes at most a tenth of the round's search time). Default 10000. */
  MERGE_SP_TIME_LIMIT_MS: int(1, 600_000).default(10_000),
  /** Nice value of the planning threads (the solver process, the merge thread): interactive work gets the core first (0: same priority). Default 10. */
  PLANNING_NICE: int(0, 19).default(10),
  // Outbound webhooks (config/webhook-settings.ts).
  ...webhookSettings,
  // Notices: SMS, web push, templates (config/notice-settings.ts).
  ...noticeSettings,
});

export type Config = Readonly<Omit<z.infer<typeof configSchema>, 'WORKER_QUEUES'> & { WORKER_QUEUES: QueueName[] }>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment (or any string map) into a frozen Config.
 * Throws a ConfigError naming each bad variable; values are not echoed (they may be secrets).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    // An empty variable means "unset", as in most shells' `VAR= cmd`.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && !config.PASS_SIGNING_SECRET) {
    throw new ConfigError('invalid configuration:\n  PASS_SIGNING_SECRET: required when NODE_ENV=production');
  }
  // Each scheduled food round creates the current cycle's entitlements: rounds further apart than a
  // cycle would skip whole cycles, whose food would never be owed.
  const cycleH = 24 * config.FOOD_CYCLE_DAYS;
  if (config.ROUND_EVERY_FOOD_H > cycleH) {
    throw new ConfigError(
      `invalid configuration:\n  ROUND_EVERY_FOOD_H: ${config.ROUND_EVERY_FOOD_H} h between food rounds is longer than a food cycle ` +
        `(FOOD_CYCLE_DAYS=${config.FOOD_CYCLE_DAYS}, ${cycleH} h), so some cycles would never be generated; set ROUND_EVERY_FOOD_H to at most 24 x FOOD_CYCLE_DAYS (${cycleH})`,
    );
  }
  return Object.freeze({ ...config, WORKER_QUEUES: config.WORKER_QUEUES ?? queueNames });
}
