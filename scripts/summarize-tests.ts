// Sums the test reports of every suite into the closing "N passed, N failed" line; a suite with no test fails.
// Usage: node scripts/summarize-tests.ts VITEST_JSON PLAYWRIGHT_JSON [FAILED_CHECK...]

import { existsSync, readFileSync } from 'node:fs';

interface Suite {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

function vitest(file: string): Suite {
  const r = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(
    file,
  );
  return {
    name: 'unit (vitest)',
    passed: r?.numPassedTests ?? 0,
    failed: r?.numFailedTests ?? 0,
    skipped: (r?.numPendingTests ?? 0) + (r?.numTodoTests ?? 0),
  };
}

interface PlaywrightSuite {
  suites?: PlaywrightSuite[];
  specs?: { title: string; tests: { status: string; annotations: { type: string; description?: string }[] }[] }[];
}

/** Why each skipped Playwright test was skipped, so a skip is never mistaken for a pass. */
function skipReasons(suite: PlaywrightSuite): string[] {
  const own = (suite.specs ?? []).flatMap((spec) =>
    spec.tests
      .filter((t) => t.status === 'skipped')
      .map((t) => `${spec.title}: ${t.annotations.find((a) => a.type === 'skip')?.description ?? 'skipped'}`),
  );
  return [...own, ...(suite.suites ?? []).flatMap(skipReasons)];
}

function playwright(file: string): Suite {
  const r = readJson<
    PlaywrightSuite & { stats: { expected: number; unexpected: number; flaky: number; skipped: number } }
  >(file);
  for (const reason of r ? skipReasons(r) : []) console.log(`skipped: ${reason}`);
  return {
    name: 'e2e (playwright)',
    passed: r?.stats.expected ?? 0,
    // A test that passed only on retry is not counted as a pass.
    failed: (r?.stats.unexpected ?? 0) + (r?.stats.flaky ?? 0),
    skipped: r?.stats.skipped ?? 0,
  };
}

const [vitestFile, playwrightFile, ...failedChecks] = process.argv.slice(2);
const suites = [vitest(vitestFile!), playwright(playwrightFile!)];
let passed = 0;
let failed = failedChecks.length;
for (const suite of suites) {
  const empty = suite.passed + suite.failed === 0;
  console.log(
    `${suite.name}: ${suite.passed} passed, ${suite.failed} failed, ${suite.skipped} skipped${empty ? ' (NO TESTS RAN: counted as a failure)' : ''}`,
  );
  passed += suite.passed;
  failed += suite.failed + (empty ? 1 : 0);
}
for (const check of failedChecks) console.log(`${check}: FAILED`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
