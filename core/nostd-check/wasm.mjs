// Runs the WebAssembly build of the no_std check (see run.sh) with Node's own
// WebAssembly API: the module imports nothing, so nothing of the host is lent to it.
// Usage: node wasm.mjs <module.wasm>
import { readFileSync } from "node:fs";

const bytes = readFileSync(process.argv[2]);
const module = await WebAssembly.compile(bytes);
const imports = WebAssembly.Module.imports(module);
if (imports.length !== 0) {
  console.error("the module imports", imports);
  process.exit(1);
}
const { exports } = await WebAssembly.instantiate(module, {});
const beforeExp = exports.jwtguard_nostd_check(1300819379n);
const atExp = exports.jwtguard_nostd_check(1300819380n);
console.log(
  `wasm32 build (${bytes.length} bytes): RFC 7515 A.3 at exp-1 -> ${beforeExp} (want 0), ` +
    `at exp -> ${atExp} (want 12 TokenExpired)`,
);
process.exit(beforeExp === 0 && atExp === 12 ? 0 : 1);
