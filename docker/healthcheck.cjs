// Container health probe used by the HEALTHCHECK of Dockerfile.api and Dockerfile.web.
// The slim Node images have no curl/wget, so this uses Node's built-in fetch.
//
//   node docker/healthcheck.cjs <url> [maxStatus]
//
// Exits 0 when <url> answers with a status in 200..maxStatus (default 299), 1 otherwise
// (non-matching status, connection refused, or no answer within HEALTHCHECK_TIMEOUT_MS, default 4000).
// Redirects are not followed, so a 302 from the web console counts when maxStatus >= 302.
'use strict';

const url = process.argv[2];
const maxStatus = Number(process.argv[3] ?? 299);
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 4000);

if (!url) {
  console.error('usage: node healthcheck.cjs <url> [maxStatus]');
  process.exit(2);
}

fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }).then(
  (res) => {
    const ok = res.status >= 200 && res.status <= maxStatus;
    if (!ok) console.error(`healthcheck: ${url} answered ${res.status}`);
    process.exit(ok ? 0 : 1);
  },
  (err) => {
    console.error(`healthcheck: ${url} failed: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
