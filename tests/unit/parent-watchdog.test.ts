/**
 * The watch of a sandboxed solve child on its worker (workers/parent-watchdog.ts), started by the
 * child's preload. The case that broke (issue #21): the worker was killed while the child was still
 * loading, so by the time a watch started the child had been re-parented, and the watch took its new
 * parent for the worker. Here a child is started naming a worker that is already gone: it must end,
 * though its own parent (this test) lives on; on the code before, it ran on for ever. (A child of a
 * live worker is left alone: every sandboxed solve in the suite runs under the same watch.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { SOLVE_CHILD_PARENT_ENV } from '../../workers/parent-watchdog';

const preload = new URL('../../workers/solve-child.preload.ts', import.meta.url).href;
const spawned: number[] = [];
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
afterAll(() => {
  for (const pid of spawned) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function child(env: Record<string, string>) {
  // Stands for BullMQ's child: alive until something ends it.
  const proc = spawn(process.execPath, ['--import', 'tsx', '--import', preload, '-e', 'setInterval(() => {}, 1000)'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  spawned.push(proc.pid!);
  return new Promise<string | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
}

describe('solve child watchdog', () => {
  it('ends a child whose worker is already gone when it starts', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    await expect(child({ [SOLVE_CHILD_PARENT_ENV]: String(gone) })).resolves.toBe('SIGKILL');
  }, 30_000);
});
