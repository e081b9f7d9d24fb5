// Bundle each widget's ES module (src/<stem>.js) into praxis_lab/static/<stem>.js.
// Shared helpers (src/_*.js) are inlined; no CDN, no runtime imports.
// Usage: node build.mjs [--watch]
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const entryPoints = readdirSync(path.join(here, "src"))
  .filter((name) => name.endsWith(".js") && !name.startsWith("_"))
  .map((name) => path.join(here, "src", name));

const options = {
  entryPoints,
  outdir: path.join(here, "..", "praxis_lab", "static"),
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log("watching widgets_js/src …");
} else {
  const result = await esbuild.build({ ...options, metafile: true });
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    console.log(`${path.relative(path.join(here, ".."), file)}  ${(info.bytes / 1024).toFixed(1)} KiB`);
  }
}
