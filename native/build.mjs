// Builds the optional native codec addon (package.json "install" script).
//
// The addon needs no -dev package: Blosc is zarrflow's own implementation (native/src/blosc), zstd
// and lz4 are compiled from the C sources the npm packages zstd-napi and lz4 ship, or linked from
// the system's runtime libraries (libzstd.so.1, liblz4.so.1), zlib is the runtime libz.so.1 opened
// at first use, bzip2 and xz the runtime libbz2.so.1.0 and liblzma.so.5 (headers: our own
// declarations, Node's zlib.h, lzma-native's lzma.h). ZARRFLOW_NATIVE_LIBS chooses:
//   auto (default)  runtime zstd/lz4 where the system has them, else the bundled sources. The
//                   runtime libraries are the ones Python's numcodecs uses on the same machine, so
//                   zstd output stays byte-identical even where the bundled zstd is a newer release.
//   bundled         always compile zstd and lz4 from the npm sources (self-contained).
// It is optional: zarrflow falls back to WASM/JS codecs, so this script never fails the install.
// It prints exactly one line; the full compiler log goes to native/build/build.log (or to the
// terminal with ZARRFLOW_NATIVE_VERBOSE=1). `node build.mjs --gyp KEY` prints one list for
// binding.gyp (sources, include_dirs, defines, libraries).
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, "build");
const addon = join(buildDir, "Release", "zarrflow_codecs.node");
const logFile = join(buildDir, "build.log");
const planFile = join(buildDir, "plan.json");
const verbose = process.env.ZARRFLOW_NATIVE_VERBOSE === "1";
const projectRequire = createRequire(join(here, "..", "package.json"));

/** Directory of an installed npm package, or null. */
function packageDir(name) {
  try {
    return dirname(projectRequire.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

let ldconfigCache;
/** Whether the dynamic linker can find a runtime library by its soname (e.g. libz.so.1). */
function hasRuntimeLib(soname) {
  if (process.platform !== "linux") return false;
  if (ldconfigCache === undefined) {
    ldconfigCache = "";
    for (const exe of ["/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"]) {
      const r = spawnSync(exe, ["-p"], { encoding: "utf8" });
      if (r.status === 0) {
        ldconfigCache = r.stdout;
        break;
      }
    }
  }
  const paths = ldconfigCache
    .split("\n")
    .filter((l) => l.trim().startsWith(`${soname} `))
    .map((l) => l.split("=>").pop().trim());
  const dirs = ["/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"];
  for (const arch of ["x86_64-linux-gnu", "aarch64-linux-gnu", "arm-linux-gnueabihf", "i386-linux-gnu"]) {
    dirs.push(`/lib/${arch}`, `/usr/lib/${arch}`);
  }
  paths.push(...dirs.map((d) => join(d, soname)));
  return paths.some(isElf);
}

/** A real shared object, not a dangling link or a file hidden by a bind mount. */
function isElf(file) {
  try {
    if (!statSync(file).isFile()) return false;
    const fd = openSync(file, "r");
    try {
      const head = Buffer.alloc(4);
      return readSync(fd, head, 0, 4, 0) === 4 && head.toString("latin1") === "\x7fELF";
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function cFiles(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".c")).sort().map((f) => join(dir, f)) : [];
}

/**
 * Where each codec library comes from, as binding.gyp lists. Paths are relative to native/ so
 * that gyp's whitespace-split command expansion copes with most install locations.
 */
function plan() {
  const mode = (process.env.ZARRFLOW_NATIVE_LIBS || "auto").toLowerCase();
  if (!["auto", "bundled"].includes(mode)) throw new Error(`ZARRFLOW_NATIVE_LIBS must be auto or bundled, got ${mode}`);
  const p = { mode, sources: [], include_dirs: [], defines: [], libraries: [], summary: [], missing: [] };
  const rel = (f) => relative(here, f).split("\\").join("/");

  const zstd = packageDir("zstd-napi");
  const zstdLib = zstd && join(zstd, "deps", "zstd", "lib");
  if (!zstdLib || !existsSync(join(zstdLib, "zstd.h"))) {
    p.missing.push("zstd sources (npm package zstd-napi)");
  } else {
    p.include_dirs.push(rel(zstdLib));
    if (mode === "auto" && hasRuntimeLib("libzstd.so.1")) {
      p.libraries.push("-l:libzstd.so.1");
      p.summary.push("zstd: system libzstd.so.1");
    } else {
      for (const sub of ["common", "compress", "decompress"]) p.sources.push(...cFiles(join(zstdLib, sub)).map(rel));
      p.defines.push("ZSTD_DISABLE_ASM=1");
      const version = /ZSTD_VERSION_MAJOR\s+(\d+)[\s\S]*?ZSTD_VERSION_MINOR\s+(\d+)[\s\S]*?ZSTD_VERSION_RELEASE\s+(\d+)/.exec(
        readFileSync(join(zstdLib, "zstd.h"), "utf8"),
      );
      p.summary.push(`zstd: bundled ${version ? version.slice(1).join(".") : ""}`.trim());
    }
  }

  const lz4 = packageDir("lz4");
  const lz4Lib = lz4 && join(lz4, "deps", "lz4", "lib");
  if (!lz4Lib || !existsSync(join(lz4Lib, "lz4.h"))) {
    p.missing.push("lz4 sources (npm package lz4)");
  } else {
    p.include_dirs.push(rel(lz4Lib));
    if (mode === "auto" && hasRuntimeLib("liblz4.so.1")) {
      p.libraries.push("-l:liblz4.so.1");
      p.summary.push("lz4: system liblz4.so.1");
    } else {
      p.sources.push(rel(join(lz4Lib, "lz4.c")), rel(join(lz4Lib, "lz4hc.c")));
      p.summary.push("lz4: bundled");
    }
  }

  const lzma = packageDir("lzma-native");
  const lzmaInclude = lzma && join(lzma, "deps", "include");
  if (lzmaInclude && existsSync(join(lzmaInclude, "lzma.h")) && hasRuntimeLib("liblzma.so.5")) {
    p.include_dirs.push(rel(lzmaInclude));
    p.libraries.push("-l:liblzma.so.5");
    p.summary.push("xz: system liblzma.so.5");
  } else {
    p.defines.push("ZF_NO_LZMA");
    p.summary.push("xz: unavailable");
  }

  if (hasRuntimeLib("libbz2.so.1.0")) {
    p.libraries.push("-l:libbz2.so.1.0");
    p.summary.push("bzip2: system libbz2.so.1.0");
  } else if (process.platform === "darwin") {
    p.libraries.push("-lbz2");
    p.summary.push("bzip2: system");
  } else {
    p.defines.push("ZF_NO_BZ2");
    p.summary.push("bzip2: unavailable");
  }
  if (process.platform === "linux") p.libraries.push("-ldl");
  p.summary.push("zlib: system libz.so.1 at run time");
  return p;
}

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

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Skip the rebuild when the addon is newer than every source file and was built to the same plan. */
function upToDate(p) {
  if (!existsSync(addon) || !existsSync(planFile)) return false;
  if (readFileSync(planFile, "utf8") !== JSON.stringify(p)) return false;
  const built = statSync(addon).mtimeMs;
  const sources = [join(here, "binding.gyp"), join(here, "build.mjs"), ...listFiles(join(here, "src"))];
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
  const p = plan();
  if (p.missing.length) unavailable(`missing ${p.missing.join(", ")}; reinstall without --omit=optional`);
  if (upToDate(p)) {
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
    // binding.gyp runs `node build.mjs --gyp ...`: make sure that is this node.
    env: {
      ...process.env,
      npm_config_loglevel: "warn",
      PATH: `${dirname(process.execPath)}${process.platform === "win32" ? ";" : ":"}${process.env.PATH ?? ""}`,
    },
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
  try {
    writeFileSync(planFile, JSON.stringify(p));
  } catch {
    // only used to skip rebuilds
  }
  console.log(`zarrflow: native codecs built (${p.summary.join(", ")})`);
}

const gypIndex = process.argv.indexOf("--gyp");
if (gypIndex >= 0) {
  // Called by binding.gyp: print one list, whitespace-separated.
  const key = process.argv[gypIndex + 1];
  const p = plan();
  if (!Array.isArray(p[key])) {
    console.error(`build.mjs --gyp: unknown list ${key}`);
    process.exit(1);
  }
  console.log(p[key].join(" "));
} else {
  try {
    main();
  } catch (e) {
    unavailable(e instanceof Error ? e.message : String(e));
  }
}
