/**
 * What a fuzz run saw: per operation, the answers by status; the failures, grouped into classes
 * (property, operation, status, variant and, for a 5xx, the code that threw), each with its first
 * example and a count. `table()` is the summary `npm run fuzz` prints.
 */

export type Property =
  | 'server_error' | 'no_answer' | 'app_died' | 'connection_dropped' | 'health'
  | 'undocumented_status' | 'undocumented_media_type' | 'undocumented_body' | 'body_schema' | 'problem_status'
  | 'echoed_value' | 'refused_changed_state' | 'accepted_invalid' | 'unknown_id_accepted';

export interface Failure {
  property: Property;
  op: string;
  caller: string;
  variant: string;
  /** What the mutation changed (never the value). */
  note: string;
  status?: number;
  detail: string;
  /** For a 5xx: the logged error and where in src/ it was thrown. */
  diagnosis?: string;
}

export interface FailureClass {
  key: string;
  first: Failure;
  count: number;
  callers: Set<string>;
}

export class Report {
  readonly seen = new Map<string, Map<string, number>>();
  readonly classes = new Map<string, FailureClass>();
  /** `<operation> <variant>` pairs no longer fuzzed: one of their cases froze or killed the app. */
  readonly quarantined = new Set<string>();
  cases = 0;
  /** Milliseconds spent, by phase (`answer`: waiting for the app; `case`: the whole case). */
  readonly ms = new Map<string, number>();

  time(phase: string, ms: number): void {
    this.ms.set(phase, (this.ms.get(phase) ?? 0) + ms);
  }

  constructor(readonly seed: number) {}

  saw(op: string, outcome: string): void {
    const m = this.seen.get(op) ?? new Map<string, number>();
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
    this.seen.set(op, m);
  }

  fail(f: Failure): void {
    const where = f.diagnosis?.match(/src\/[\w/.-]+:\d+/)?.[0] ?? f.detail.replace(/\d+/g, '#').slice(0, 80);
    const key = [f.property, f.op, f.status ?? '-', f.variant, where].join(' | ');
    const c = this.classes.get(key) ?? { key, first: f, count: 0, callers: new Set<string>() };
    c.count++;
    c.callers.add(f.caller);
    this.classes.set(key, c);
  }

  failuresOf(op: string): FailureClass[] {
    return [...this.classes.values()].filter((c) => c.first.op === op);
  }

  /** One line per failure class, for a test's failure message and the run's summary. */
  describe(classes: FailureClass[] = [...this.classes.values()]): string[] {
    return classes.map((c) => {
      const f = c.first;
      return `[${f.property}] ${f.op} as ${[...c.callers].join('/')} (${f.variant}: ${f.note}) -> ${f.status ?? '-'}: ${f.detail}${f.diagnosis ? ` <= ${f.diagnosis}` : ''} (x${c.count})`;
    });
  }

  /** Operations x statuses seen, and the failure classes of each operation. */
  table(): string {
    const outcomes = [...new Set([...this.seen.values()].flatMap((m) => [...m.keys()]))].sort();
    const width = Math.max(...[...this.seen.keys()].map((k) => k.length), 9);
    const head = `${'operation'.padEnd(width)} ${outcomes.map((o) => o.padStart(5)).join(' ')}  failures`;
    const lines = [...this.seen.entries()].map(([op, m]) => {
      const fails = this.failuresOf(op).reduce((n, c) => n + c.count, 0);
      return `${op.padEnd(width)} ${outcomes.map((o) => String(m.get(o) ?? '').padStart(Math.max(5, o.length))).join(' ')}  ${fails || ''}${[...this.quarantined].some((q) => q.startsWith(`${op} `)) ? ' (some cases skipped: the app froze or died)' : ''}`;
    });
    return [head, ...lines].join('\n');
  }
}
