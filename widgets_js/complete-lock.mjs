// Complete package-lock.json with rollup's per-platform binaries (optional deps).
//
// Some registry mirrors serve only a few of them (e.g. linux-gnu); npm then drops
// the others from the lock and `npm ci` rejects the lock as out of sync. Entries are
// added without `integrity` (the mirror cannot serve them); npm skips them on other
// platforms and fetches them from the registry where they match.
// Usage: npm run lock   (= npm install --package-lock-only && node complete-lock.mjs)
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("./package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf-8"));
const pkgs = lock.packages;
const rollup = pkgs["node_modules/rollup"];
const added = [];
for (const name of Object.keys(rollup?.optionalDependencies || {})) {
  const key = `node_modules/${name}`;
  if (pkgs[key] || !name.startsWith("@rollup/rollup-")) continue;
  const [os, cpu, abi = ""] = name.slice("@rollup/rollup-".length).split("-");
  const entry = { version: rollup.version, cpu: [cpu], dev: true };
  if (os === "linux") entry.libc = [abi.startsWith("musl") ? "musl" : "glibc"];
  Object.assign(entry, { license: "MIT", optional: true, os: [os] });
  pkgs[key] = entry;
  added.push(name);
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added.length} rollup platform entries`);
