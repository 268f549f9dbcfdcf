/**
 * vitest global set-up: an id for this run of the suite (a new one on each watch-mode re-run), for
 * work that test files running side by side should do once per run: the e2e web build (e2e/harness.ts).
 */
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

export default function setup(project: TestProject): void {
  let runs = 0;
  const fresh = () => project.provide('testRunId', `${process.pid}-${Date.now().toString(36)}-${runs++}`);
  fresh();
  project.onTestsRerun(fresh);
}
