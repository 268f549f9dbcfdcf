/**
 * Start-up checks of worker settings against the service Config. Food rounds further apart than a
 * food cycle skip cycles whose entitlements are then never generated: that must stop the process
 * (both mains print the message and exit 2), naming both variables.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { checkWorkerSettings, loadWorkerSettings } from '../../workers/settings';

function check(env: Record<string, string>) {
  return () => checkWorkerSettings(loadWorkerSettings(env), loadConfig(env));
}

describe('worker settings checked against the config', () => {
  it('refuses food rounds further apart than a food cycle, naming both variables', () => {
    expect(check({ ROUND_EVERY_FOOD_H: '73', FOOD_CYCLE_DAYS: '3' })).toThrow(/ROUND_EVERY_FOOD_H.*FOOD_CYCLE_DAYS=3, 72 h/s);
    // The default cycle is 3 days.
    expect(check({ ROUND_EVERY_FOOD_H: '96' })).toThrow(/ROUND_EVERY_FOOD_H: 96 h .*FOOD_CYCLE_DAYS=3/);
  });

  it('accepts up to exactly one cycle, and no schedule at all', () => {
    expect(check({ ROUND_EVERY_FOOD_H: '72', FOOD_CYCLE_DAYS: '3' })).not.toThrow();
    expect(check({ ROUND_EVERY_FOOD_H: '168', FOOD_CYCLE_DAYS: '7' })).not.toThrow();
    expect(check({})).not.toThrow();
  });
});
