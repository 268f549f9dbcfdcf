/**
 * The operator's files in ops/ stay in step with the code: every metric an alert or a dashboard panel
 * names is one Cordon registers (a renamed metric would otherwise leave an alert that never fires),
 * the alerts the issue asks for exist, and the compose `ops` profile mounts files that exist, scrapes
 * the ports the config defaults to, with the token the services are given. promtool, where installed,
 * also checks the rules' syntax and their unit tests (.ci/run).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../config/config';
import { createMetrics } from '../../src/shared/metrics';

const root = resolve(__dirname, '..', '..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

interface Rule { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
const alerts = (parse(read('ops/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(read('ops/grafana/dashboards/cordon.json')) as { panels: { type: string; title: string; targets?: { expr: string }[]; datasource?: { uid: string } }[] };
const prometheus = parse(read('ops/prometheus/prometheus.yml')) as {
  rule_files: string[];
  scrape_configs: { job_name: string; metrics_path: string; authorization: { credentials_file: string }; static_configs: { targets: string[] }[] }[];
};
type Service = { profiles?: string[]; volumes?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] } };
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };

/** Every series name a registry of this code exposes (histograms as their _bucket, _sum and _count; `type` is the string, though typed as an enum). */
async function exposedNames(): Promise<Set<string>> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  return new Set(metrics.flatMap((m) => (String(m.type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name])));
}

/** Metric names a PromQL expression reads (Cordon's and Node's; `up` is Prometheus' own). */
const metricsIn = (expr: string): string[] => [...expr.matchAll(/\b((?:cordon|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

describe('alerting rules', () => {
  it('cover the issue: round stuck planning, relay lag, failed jobs, readiness, stock below minimum, passes overdue', () => {
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining([
      'CordonRoundStuckPlanning', 'CordonRelayLagging', 'CordonBulkRelayLagging', 'CordonFailedJobsRising', 'CordonNotReady', 'CordonStockBelowMinimum', 'CordonPassesOverdue',
    ]));
    const byName = new Map(alerts.map((a) => [a.alert, a]));
    // The thresholds the issue names: 10 min planning, 30 s relay lag.
    expect(byName.get('CordonRoundStuckPlanning')!.expr).toMatch(/cordon_round_planning_stalled_seconds\)? > 600$/);
    expect(byName.get('CordonRelayLagging')!.expr).toMatch(/cordon_relay_lag_seconds(\{relay!="need_status_bulk"\})?\)? > 30$/);
    // The bulk lane (a cycle's entitlements) is minutes behind at a cycle's start by design: not critical at 30 s.
    expect(byName.get('CordonBulkRelayLagging')!.expr).toMatch(/relay="need_status_bulk"\}\)? > 600$/);
    for (const a of alerts) {
      expect(a.labels?.severity, a.alert).toMatch(/^(critical|warning)$/);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
    }
  });

  it('name only metrics the code registers', async () => {
    const names = await exposedNames();
    const unknown = alerts.flatMap((a) => metricsIn(a.expr).filter((n) => !names.has(n)).map((n) => `${a.alert}: ${n}`));
    expect(unknown).toEqual([]);
    // Every alert reads at least one metric (or `up`).
    for (const a of alerts) expect(metricsIn(a.expr).length + (/\bup\{/.test(a.expr) ? 1 : 0), a.alert).toBeGreaterThan(0);
  });
});

describe('Grafana dashboard', () => {
  it('names only metrics the code registers, and every one of Cordon\'s appears in a panel', async () => {
    const names = await exposedNames();
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(15);
    expect(exprs.flatMap((e) => metricsIn(e.expr).filter((n) => !names.has(n)).map((n) => `${e.panel}: ${n}`))).toEqual([]);
    const used = new Set(exprs.flatMap((e) => metricsIn(e.expr)).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const ours = (await createMetrics({ defaultMetrics: false }).registry.getMetricsAsJSON()).map((m) => m.name);
    expect(ours.filter((n) => !used.has(n))).toEqual([]);
  });

  it('reads the data source the provisioning creates', () => {
    const provisioned = parse(read('ops/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string }[] };
    const uids = new Set(dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.datasource?.uid));
    expect([...uids]).toEqual([provisioned.datasources[0]!.uid]);
  });
});

describe('compose profile ops', () => {
  it('runs Prometheus and Grafana only in the ops profile, mounting files that exist', () => {
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name]!;
      expect(service.profiles).toEqual(['ops']);
      for (const volume of service.volumes ?? []) {
        const host = volume.split(':')[0]!;
        if (host.startsWith('./')) expect(existsSync(resolve(root, host)), volume).toBe(true);
      }
    }
    expect(compose.services.api!.profiles).toBeUndefined();
  });

  it('scrapes the API and the workers on their configured ports with the token the services get', () => {
    const config = loadConfig({});
    const targets = Object.fromEntries(prometheus.scrape_configs.map((s) => [s.job_name, s.static_configs.flatMap((c) => c.targets)]));
    expect(targets).toEqual({ 'cordon-api': [`api:${config.PORT}`], 'cordon-workers': [`workers:${config.WORKER_PROBE_PORT}`] });
    expect(prometheus.rule_files.every((f) => existsSync(resolve(root, 'ops/prometheus', f)))).toBe(true);
    for (const scrape of prometheus.scrape_configs) {
      expect(scrape.metrics_path).toBe('/metrics');
      const token = read(`ops/prometheus/${scrape.authorization.credentials_file}`).trim();
      expect(compose.services.api!.environment!.METRICS_TOKEN).toBe(token);
      expect(compose.services.workers!.environment!.METRICS_TOKEN).toBe(token);
    }
  });

  it('health checks ask /readyz on the API and on the workers\' probe port', () => {
    expect(compose.services.api!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${loadConfig({}).PORT}/readyz`);
    expect(compose.services.workers!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${compose.services.workers!.environment!.WORKER_PROBE_PORT}/readyz`);
  });
});
