// Prints each failed attempt's error, short, as the last thing a run says
// (a journey that passed when retried, `--retries=N`, is marked flaky):
// CI keeps only the tail of its output, and the list reporter ends with
// attachments rather than with what went wrong.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '../target/e2e/results.json';
const strip = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

function* specs(suite, titles = []) {
  const here = suite.title ? [...titles, suite.title] : titles;
  for (const spec of suite.specs ?? []) yield [[...here, spec.title], spec];
  for (const child of suite.suites ?? []) yield* specs(child, here);
}

const report = JSON.parse(readFileSync(file, 'utf8'));
for (const suite of report.suites) {
  for (const [titles, spec] of specs(suite)) {
    for (const test of spec.tests) {
      for (const result of test.results) {
        if (result.status === 'passed' || result.status === 'skipped') continue;
        // A journey that passed when run again is flaky: said, not hidden.
        const mark = test.status === 'flaky' ? '~ flaky, passed on its retry:' : '✘';
        console.log(`\n${mark} ${titles.join(' › ')} (${result.status}, ${result.duration} ms)`);
        for (const error of result.errors ?? []) {
          console.log(strip(error.message ?? '').split('\n').slice(0, 14).join('\n'));
          const at = error.location;
          if (at) console.log(`  at ${at.file.split('/').slice(-2).join('/')}:${at.line}`);
        }
      }
    }
  }
}
