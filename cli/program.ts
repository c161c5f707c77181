/**
 * The `zarrflow` command line: argument parsing (commander), exit codes, error messages, and Ctrl-C.
 * `run(argv)` is the whole program; `cli/main.ts` calls it.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
// Only the program's shape is loaded up front: `--help`, `--version` and usage errors need no
// zarrflow module. Each command's module (and with it the library) is imported when it runs.
import type { CliContext, GlobalOptions } from "./context.ts";
import { describeError, EXIT, exitCodeFor, isAbortError } from "./errors.ts";

/** Where the program writes, and how it learns of Ctrl-C (replaceable for tests). */
export interface RunEnv {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (progress bars rather than lines). */
  tty: boolean;
  /** Fires on Ctrl-C; default: the process's SIGINT. */
  onInterrupt?: (handler: () => void) => () => void;
  /** Grace period after Ctrl-C before giving up on a clean stop, in ms (default 5000). */
  graceMs?: number;
}

const PATH_HELP = `
PATH is a directory store, a path inside one (store.zarr/group/array: the store root is found by
walking up to the topmost directory holding .zgroup/.zarray), a .zip file (archive.zip/group/array),
or a file:// URL. --path gives the node path separately, with PATH the store root.

Exit codes: 0 ok, 1 damage found or the operation failed, 2 usage error, 130 interrupted (Ctrl-C).`;

/** The package version (from package.json beside the sources, or above the compiled dist/). */
function packageVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    const u = new URL(rel, import.meta.url);
    if (existsSync(u)) {
      const pkg = JSON.parse(readFileSync(u, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "zarrflow" && pkg.version) return pkg.version;
    }
  }
  return "unknown";
}

/**
 * Build the commander program. Each action stores its exit code through `setCode`.
 * @internal exported for tests and for embedding
 */
export function buildProgram(
  getCtx: (cmd: Command) => Promise<CliContext>,
  setCode: (code: number | Promise<number>) => void,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): Command {
  const program = new Command("zarrflow")
    .description("Inspect, create, copy, rechunk and verify Zarr v2 stores (zarr-python 2.x compatible).")
    .addHelpText("after", PATH_HELP)
    .option("--json", "machine-readable JSON output on stdout")
    .option("-q, --quiet", "no progress output")
    .option("--no-progress", "no progress bar or progress lines")
    .option("--debug", "show stack traces of failures")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError("(run 'zarrflow --help' for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (t) => void io.stdout.write(t), writeErr: (t) => void io.stderr.write(t) });
  const pathOpt = () => new Option("--path <node>", "path of the node inside the store (PATH is then the store root)");
  const act = (fn: (ctx: CliContext, ...args: any[]) => Promise<number>) => function (this: Command, ...args: unknown[]) {
    const cmd = args[args.length - 1] as Command;
    setCode(getCtx(cmd).then((ctx) => fn(ctx, ...args.slice(0, -2), args[args.length - 2])));
  };
  const inspect = () => import("./commands/inspect.ts");
  const creation = () => import("./commands/create.ts");
  const copying = () => import("./commands/copy.ts");

  program.command("info").description("zarr-python's info table of an array or group").argument("<PATH>").addOption(pathOpt())
    .action(act(async (ctx, p, o) => (await inspect()).infoCommand(ctx, p, o)));
  program.command("tree").description("the hierarchy below a group").argument("<PATH>").addOption(pathOpt())
    .option("--level <n>", "depth to draw", (v) => Number(v))
    .action(act(async (ctx, p, o) => (await inspect()).treeCommand(ctx, p, o)));
  program.command("ls").description("members of a group: name, kind, shape, dtype, chunks, compressor").argument("<PATH>").addOption(pathOpt())
    .action(act(async (ctx, p, o) => (await inspect()).lsCommand(ctx, p, o)));
  program.command("cat").description("values of an array, or of a numpy-style selection such as \"0:5, ::100\"")
    .argument("<PATH>").argument("[SELECTION]").addOption(pathOpt())
    .action(act(async (ctx, p, sel, o) => (await inspect()).catCommand(ctx, p, sel, o)));
  program.command("attrs").description("user attributes (.zattrs) as JSON").argument("<PATH>").addOption(pathOpt())
    .action(act(async (ctx, p, o) => (await inspect()).attrsCommand(ctx, p, o)));
  program.command("create").description("create an empty array").argument("<PATH>").addOption(pathOpt())
    .requiredOption("--shape <n,n,...>", "array shape, e.g. 100,100")
    .option("--chunks <n,n,...>", "chunk shape, e.g. 10,10 (-1: whole axis; default: guessed)")
    .requiredOption("--dtype <dtype>", "numpy dtype, e.g. <i4, <f8, |u1")
    .option("--compressor <spec>", "none, zstd[:level], blosc[:cname[:clevel[:shuffle]]], zlib[:level], gzip[:level], bz2[:level], lz4, lzma, or JSON (default blosc:lz4:5:shuffle)")
    .option("--fill-value <value>", "fill value (number, nan, inf, none, JSON)")
    .option("--order <C|F>", "memory layout of chunks")
    .option("--dimension-separator <sep>", "chunk key separator, '.' or '/'")
    .option("--overwrite", "replace an existing array or group at PATH")
    .action(act(async (ctx, p, o) => (await creation()).createCommand(ctx, p, o)));
  program.command("copy").description("copy an array or group, re-encoding chunks (zarr.copy)").argument("<SRC>").argument("<DEST>")
    .option("--name <name>", "name of the copy inside DEST when DEST is a group")
    .option("--if-exists <what>", "raise, replace, skip or skip_initialized", "raise")
    .option("--dry-run", "only log what would be copied")
    .option("--shallow", "copy only the immediate members of a group")
    .option("--without-attrs", "do not copy user attributes")
    .action(act(async (ctx, s, d, o) => (await copying()).copyCommand(ctx, s, d, o)));
  program.command("copy-store").description("copy stored keys as they are (zarr.copy_store)").argument("<SRC>").argument("<DEST>")
    .option("--if-exists <what>", "raise, replace or skip", "raise")
    .option("--dry-run", "only log what would be copied")
    .option("--exclude <regex...>", "skip keys matching these regular expressions")
    .option("--include <regex...>", "...unless they also match one of these")
    .action(act(async (ctx, s, d, o) => (await copying()).copyStoreCommand(ctx, s, d, o)));
  program.command("rechunk").description("copy an array with new chunks within a memory budget").argument("<SRC>").argument("<DEST>")
    .requiredOption("--chunks <n,n,...>", "target chunk shape (-1: whole axis)")
    .option("--max-memory <size>", "memory budget for data, e.g. 256MB, 1GiB", "256MiB")
    .option("--compressor <spec>", "compressor of the result (default: the source's)")
    .option("--overwrite", "replace an existing array at DEST")
    .option("--temp-dir <dir>", "where the intermediate array goes (default: the system temp directory)")
    .action(act(async (ctx, s, d, o) => (await import("./commands/rechunk.ts")).rechunkCommand(ctx, s, d, o)));
  program.command("consolidate").description("write consolidated metadata (.zmetadata) for a store").argument("<PATH>").addOption(pathOpt())
    .option("--metadata-key <key>", "key to write", ".zmetadata")
    .action(act(async (ctx, p, o) => (await creation()).consolidateCommand(ctx, p, o)));
  program.command("verify").description("decode every stored chunk and report damaged keys (exit 1 on damage)").argument("<PATH>").addOption(pathOpt())
    .option("--concurrency <n>", "chunks checked at once", "8")
    .action(act(async (ctx, p, o) => (await import("./commands/verify.ts")).verifyCommand(ctx, p, o)));
  for (const c of program.commands) {
    c.exitOverride().showHelpAfterError(`(run 'zarrflow ${c.name()} --help' for usage)`)
      .configureOutput({ writeOut: (t) => void io.stdout.write(t), writeErr: (t) => void io.stderr.write(t) });
  }
  return program;
}

/**
 * Run the CLI on `argv` (as `process.argv`: node, script, then arguments) and resolve to the exit
 * code. Nothing here calls `process.exit`.
 * @example
 * const code = await run(["node", "zarrflow", "info", "data/example.zarr/foo"]);
 */
export async function run(argv: string[], env: RunEnv = { stdout: process.stdout, stderr: process.stderr, tty: process.stderr.isTTY === true }): Promise<number> {
  const ac = new AbortController();
  let ctx: CliContext | null = null;
  let pending: Promise<number> | null = null;
  let globals: GlobalOptions = {};
  const program = buildProgram(
    async (cmd) => {
      globals = cmd.optsWithGlobals() as GlobalOptions;
      const { CliContext } = await import("./context.ts");
      ctx = new CliContext(globals, ac.signal, env);
      return ctx;
    },
    (code) => {
      pending = Promise.resolve(code);
    },
    env,
  );
  const interrupt = () => {
    if (ac.signal.aborted) return;
    env.stderr.write("\nzarrflow: interrupted, stopping...\n");
    ac.abort(new DOMException("interrupted by Ctrl-C", "AbortError"));
  };
  const detach = (env.onInterrupt ?? ((h) => {
    const listener = () => (ac.signal.aborted ? process.exit(EXIT.INTERRUPTED) : h());
    process.on("SIGINT", listener);
    return () => process.off("SIGINT", listener);
  }))(interrupt);
  const fail = (code: number, message: string) => {
    if (globals.json || argv.includes("--json")) env.stdout.write(JSON.stringify({ error: message, exitCode: code }) + "\n");
    return code;
  };
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return EXIT.USAGE;
    }
    try {
      await program.parseAsync(argv);
    } catch (e) {
      if (e instanceof CommanderError) {
        if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT.OK;
        return e.exitCode === 0 ? EXIT.OK : fail(EXIT.USAGE, e.message);
      }
      throw e;
    }
    if (!pending) return EXIT.OK;
    // After Ctrl-C, wait for the work to stop cleanly, but not forever.
    const grace = new Promise<number>((resolve) => {
      const onAbort = () => setTimeout(() => resolve(EXIT.INTERRUPTED), env.graceMs ?? 5000).unref();
      if (ac.signal.aborted) onAbort();
      else ac.signal.addEventListener("abort", onAbort, { once: true });
    });
    const code = await Promise.race([pending, grace]);
    if (ac.signal.aborted) {
      env.stderr.write("zarrflow: interrupted; the operation did not complete\n");
      return fail(EXIT.INTERRUPTED, "interrupted");
    }
    return code;
  } catch (e) {
    if (ac.signal.aborted || isAbortError(e)) {
      env.stderr.write("zarrflow: interrupted; the operation did not complete\n");
      return fail(EXIT.INTERRUPTED, "interrupted");
    }
    const c = exitCodeFor(e);
    env.stderr.write(`zarrflow: error: ${describeError(e)}\n`);
    fail(c, describeError(e));
    if (globals.debug || argv.includes("--debug")) env.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    else if (c === EXIT.FAILED && !(e as Error)?.name?.endsWith("Error")) env.stderr.write("(run with --debug for details)\n");
    return c;
  } finally {
    detach();
    await (ctx as CliContext | null)?.closeAll().catch((e: unknown) => env.stderr.write(`zarrflow: error: closing the store: ${describeError(e)}\n`));
  }
}
