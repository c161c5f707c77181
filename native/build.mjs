// Builds the optional native codec addon (package.json "install" script).
//
// The addon links the system c-blosc, zstd, lz4, bzip2, xz and zlib so output is byte-identical to
// numcodecs on the same machine. It is optional: zarrflow falls back to WASM/JS codecs, so this
// script never fails the install. It prints exactly one line; the full compiler log goes to
// native/build/build.log (or to the terminal with ZARRFLOW_NATIVE_VERBOSE=1).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, "build");
const addon = join(buildDir, "Release", "zarrflow_codecs.node");
const logFile = join(buildDir, "build.log");
const verbose = process.env.ZARRFLOW_NATIVE_VERBOSE === "1";

function unavailable(reason) {
  console.log(`zarrflow: native codecs unavailable (${reason}); using WASM/JS fallback`);
  process.exit(0);
}

/** node-gyp from the project, from npm's own copy, or from npm's well-known install location. */
function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(createRequire(join(here, "..", "package.json")).resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not a project dependency
  }
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  return candidates.find((c) => c && existsSync(c));
}

/** Headers shipped next to the node binary let node-gyp build offline; otherwise it would download them. */
function findNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : undefined;
}

/** Skip the rebuild when the addon is newer than every source file. */
function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  const sources = [join(here, "binding.gyp"), ...readdirSync(join(here, "src")).map((f) => join(here, "src", f))];
  return sources.every((f) => statSync(f).mtimeMs < built);
}

/** The most telling line of a failed build, e.g. a missing header or library. */
function firstError(log) {
  const lines = log.split("\n");
  const pick =
    lines.find((l) => /fatal error:|cannot find -l|undefined reference|No such file/.test(l)) ??
    lines.find((l) => /error[: ]/i.test(l) && !/^gyp (ERR|info)/.test(l)) ??
    lines.find((l) => /^gyp ERR! stack Error/.test(l)) ??
    lines.find((l) => /^gyp ERR! (configure|build) error/.test(l));
  return (pick ?? "build failed")
    .replace(/^gyp ERR! stack Error:\s*/, "")
    .replace(/^.*?(fatal error:|error:)\s*/, "")
    .trim()
    .slice(0, 160);
}

/** Loading in a child catches missing shared libraries at install time rather than at first use. */
function loads() {
  const code =
    `const os=require("os");const m={exports:{}};` +
    `process.dlopen(m,${JSON.stringify(addon)},os.constants.dlopen.RTLD_NOW|(os.constants.dlopen.RTLD_DEEPBIND??0));` +
    `if(typeof m.exports.decompressAsync!=="function")throw new Error("incomplete addon")`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", timeout: 30000 });
  return r.status === 0 ? null : (r.stderr.split("\n").find((l) => /Error/.test(l)) ?? "addon failed to load").trim();
}

function main() {
  if (process.env.ZARRFLOW_NO_NATIVE === "1") unavailable("disabled by ZARRFLOW_NO_NATIVE=1");
  if (upToDate()) {
    const err = loads();
    if (!err) {
      console.log("zarrflow: native codecs up to date");
      return;
    }
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) unavailable("node-gyp not found");
  const args = [nodeGyp, "rebuild", "--jobs=max"];
  const nodedir = findNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  const r = spawnSync(process.execPath, args, {
    cwd: here,
    encoding: "utf8",
    stdio: verbose ? "inherit" : "pipe",
    timeout: 10 * 60 * 1000,
    env: { ...process.env, npm_config_loglevel: "warn" },
  });
  const log = `${r.stdout ?? ""}\n${r.stderr ?? ""}`;
  try {
    mkdirSync(buildDir, { recursive: true });
    writeFileSync(logFile, log);
  } catch {
    // the log is a convenience only
  }
  if (r.error) unavailable(`node-gyp could not run: ${r.error.message}`);
  if (r.status !== 0) unavailable(`${firstError(log)}; see native/build/build.log`);
  const err = loads();
  if (err) unavailable(`built addon does not load: ${err.slice(0, 160)}`);
  console.log("zarrflow: native codecs built (native/build/Release/zarrflow_codecs.node)");
}

try {
  main();
} catch (e) {
  unavailable(e instanceof Error ? e.message : String(e));
}
