// Bundle src/ into one IIFE, dist/tax-chat.js (plus its source map). `make widget` runs this
// only when a source changed.
import { build } from "esbuild";

const started = Date.now();
await build({
  entryPoints: ["src/index.js"],
  outfile: "dist/tax-chat.js",
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020", "chrome92", "firefox90", "safari15"],
  minify: true,
  sourcemap: "linked",
  loader: { ".css": "text" },
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "eof",
  banner: { js: "/* Milestone Tax Solutions chat widget. Licences of bundled packages at the end. */" },
  logLevel: "warning",
});
console.log(`widget/dist/tax-chat.js built in ${Date.now() - started} ms`);
