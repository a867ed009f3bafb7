// The MDN HTTP Observatory's scan and grade of a site's paths, on any ports:
//   node tests/support/observatory.mjs HOST HTTP_PORT HTTPS_PORT PATH...
// prints, for each path, {"path", "status", "score", "grade", "tests": {name: result}}
// (or {"path", "error"}) as one line of JSON.
//
// Its scan() (src/scanner/index.js) always asks ports 80 and 443 and the root, but
// the retrieve() it calls takes ports and a path: this is scan() with those passed,
// the same tests and the same scoring, from the version package-lock.json pins.
//
// Its install script downloads Chromium's HSTS preload list into conf/; we install
// with --ignore-scripts and nothing here may reach the internet, so a missing list
// reads as empty. That changes nothing for a loopback host, which is on no such list.
import fs from "node:fs";
import { join } from "node:path";

const PRELOAD_LIST = join("conf", "hsts-preload.json");
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  if (String(file).endsWith(PRELOAD_LIST) && !fs.existsSync(file)) return "{}";
  return readFileSync.call(this, file, ...rest);
};

const src = "@mdn/mdn-http-observatory/src";
const { retrieve } = await import(`${src}/retriever/retriever.js`);
const { ALL_TESTS } = await import(`${src}/constants.js`);
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await import(`${src}/grader/charts.js`);
const { getGradeForScore, getScoreModifier } = await import(`${src}/grader/grader.js`);

// scanner/index.js's scan(), for one path: the same tests, the same refusals, the same score.
async function scan(host, httpPort, httpsPort, path) {
  const requests = await retrieve(host, { httpPort, httpsPort, path });
  if (!requests.responses.auto) return { path, error: "The site seems to be down." };
  const { status } = requests.responses.auto;
  if (status < 200 || (status >= 400 && ![401, 403].includes(status))) {
    return { path, status, error: `unexpected HTTP status code ${status}` };
  }
  const results = ALL_TESTS.map((test) => test(requests));
  let withExtraCredit = 100;
  let uncurved = 100;
  for (const result of results) {
    if (!result.result) continue;
    const modifier = getScoreModifier(result.result);
    withExtraCredit += modifier;
    if (modifier < 0) uncurved += modifier;
  }
  const { grade, score } = getGradeForScore(
    uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved
  );
  const tests = Object.fromEntries(results.map((r) => [r.constructor.name, r.result]));
  return { path, status, score, grade, tests };
}

const [host, httpPort, httpsPort, ...paths] = process.argv.slice(2);
for (const path of paths) {
  console.log(JSON.stringify(await scan(host, httpPort, httpsPort, path)));
}
