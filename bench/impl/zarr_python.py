"""zarr-python 2.x side of the zarrflow benchmark (run by bench/run.ts with /usr/bin/python3).

One process per call, printing one JSON object on stdout:

  zarr_python.py versions
  zarr_python.py prepare <shared_dir> <workload_json>          write the shared input a workload reads
  zarr_python.py run <op> <workload_json> <shared_dir> <own_dir> <reps> [budget_seconds]
  zarr_python.py verify <workload_json> <op> <own_dir> <shared_dir>   check another implementation's output

Workload specs come from bench/workloads.ts as JSON, so every implementation runs the same ones.
"""
import gc
import json
import os
import shutil
import statistics
import sys
import time

import numcodecs
import numpy as np
import zarr


def vm(field):
    """A /proc/self/status field in kB (VmHWM: peak RSS, VmRSS: current RSS)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def compressor(spec):
    if spec is None:
        return None
    if spec["id"] == "blosc":
        return numcodecs.Blosc(cname=spec["cname"], clevel=spec["clevel"], shuffle=spec["shuffle"], blocksize=spec["blocksize"])
    if spec["id"] == "zstd":
        return numcodecs.Zstd(level=spec["level"])
    raise ValueError("unknown compressor %r" % (spec,))


def source_data(w, shared):
    """The array a write op writes: the linear index, or the shared raw normal data."""
    shape = tuple(w["shape"])
    if w["data"] == "arange":
        return np.arange(shape[0] * shape[1], dtype=w["dtype"]).reshape(shape)
    return np.fromfile(os.path.join(shared, w["id"] + ".raw"), dtype=w["dtype"]).reshape(shape)


def slab(w, k):
    """Slab k of the append workload: the linear index, computed exactly, rounded once to f4."""
    n = w["slab"] * w["width"]
    return (np.arange(n, dtype="f8") + float(k * n)).astype(w["dtype"]).reshape(w["slab"], w["width"])


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def prepare(shared, w):
    os.makedirs(shared, exist_ok=True)
    if w["kind"] == "array":
        shape = tuple(w["shape"])
        if w["data"] == "normal":
            data = np.random.default_rng(0).standard_normal(shape).astype(w["dtype"])
            data.tofile(os.path.join(shared, w["id"] + ".raw"))
        else:
            data = source_data(w, shared)
        z = zarr.open(zarr.DirectoryStore(os.path.join(shared, w["id"] + ".zarr")), mode="w", shape=shape,
                      chunks=tuple(w["chunks"]), dtype=w["dtype"], compressor=compressor(w["compressor"]))
        z[...] = data
        return {"ok": True, "nbytes_stored": z.nbytes_stored}
    if w["kind"] == "rechunk":
        shape = tuple(w["shape"])
        data = np.arange(shape[0] * shape[1], dtype=w["dtype"]).reshape(shape)
        z = zarr.open(zarr.DirectoryStore(os.path.join(shared, w["id"] + ".zarr")), mode="w", shape=shape,
                      chunks=tuple(w["sourceChunks"]), dtype=w["dtype"], compressor=compressor(w["compressor"]))
        z[...] = data
        return {"ok": True, "nbytes_stored": z.nbytes_stored}
    return {"ok": True}


def make_task(op, w, shared, own):
    """(before, run, check) for one op; run() is what is timed."""
    src = os.path.join(shared, w["id"] + ".zarr")
    out_dir = os.path.join(own, "out.zarr")

    def clean():
        rmtree(out_dir)

    if w["kind"] == "array":
        shape = tuple(w["shape"])
        row, col = w["row"], w["col"]
        if op == "write":
            data = source_data(w, shared)

            def run():
                z = zarr.open(zarr.DirectoryStore(out_dir), mode="w", shape=shape, chunks=tuple(w["chunks"]),
                              dtype=w["dtype"], compressor=compressor(w["compressor"]))
                z[...] = data
            return clean, run, None
        if op == "read":
            return None, lambda: zarr.open(zarr.DirectoryStore(src), mode="r")[...], None
        if op == "read_into":
            out = np.empty(shape, dtype=w["dtype"])
            out.fill(0)  # fault the pages in before timing, as a caller's reused buffer would be

            def run():
                zarr.open(zarr.DirectoryStore(src), mode="r").get_basic_selection(Ellipsis, out=out)
                return out
            return None, run, None
        if op == "read_row":
            return None, lambda: zarr.open(zarr.DirectoryStore(src), mode="r")[row, :], None
        if op == "read_col":
            return None, lambda: zarr.open(zarr.DirectoryStore(src), mode="r")[:, col], None
    if w["kind"] == "append":
        if op == "append":
            slabs = w["rows"] // w["slab"]

            def run():
                z = zarr.open(zarr.DirectoryStore(out_dir), mode="w", shape=(0, w["width"]),
                              chunks=(w["chunkRows"], w["width"]), dtype=w["dtype"],
                              compressor=compressor(w["compressor"]))
                for k in range(slabs):
                    z.append(slab(w, k))
            return clean, run, None
        return "n/a: zarr-python has no append operator (its z.append loop is the baseline)"
    if w["kind"] == "rechunk":
        if op == "copy":
            def run():
                z1 = zarr.open(zarr.DirectoryStore(src), mode="r")
                z2 = zarr.open(zarr.DirectoryStore(out_dir), mode="w", shape=z1.shape, chunks=tuple(w["targetChunks"]),
                               dtype=z1.dtype, compressor=compressor(w["compressor"]))
                z2[...] = z1  # plain copy: zarr 2.13 slices z1 for each target chunk it writes
            return clean, run, None
        return "n/a: zarr-python 2 has no rechunk operator (its plain copy is the baseline)"
    return "n/a: unknown op %s" % op


def run(op, w, shared, own, reps, budget):
    os.makedirs(own, exist_ok=True)
    task = make_task(op, w, shared, own)
    if isinstance(task, str):
        return {"na": task[len("n/a: "):] if task.startswith("n/a: ") else task}
    before, fn, _ = task
    warmup = op in ("read_row", "read_col")
    if warmup:
        fn()
    gc.collect()
    base = vm("VmRSS")
    times = []
    cpu = []
    out_dir = os.path.join(own, "out.zarr")
    for rep in range(reps):
        # The previous repetition's output is moved aside, not deleted (see setAside in bench/child.ts).
        if os.path.exists(out_dir):
            os.rename(out_dir, "%s.rep%d" % (out_dir, rep))
        if before:
            before()
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        res = fn()
        t1 = time.perf_counter()
        times.append(t1 - t0)
        cpu.append(time.process_time() - c0)  # every thread of the process (blosc's too)
        if w["kind"] == "array" and op != "write":
            check_read(w, op, res, shared)
        del res
        if sum(times) > budget:
            break  # slow ops get fewer repetitions (bench/run.ts --budget)
    return {"times": times, "median": statistics.median(times), "cpu_times": cpu, "cpu_median": statistics.median(cpu), "base_rss_kb": base, "peak_rss_kb": vm("VmHWM"),
            "warmup": warmup, "note": note(op, w)}


def note(op, w):
    if w["kind"] == "rechunk" and op == "copy":
        return "z2[...] = z1 (zarr reads the source region of each target chunk)"
    if w["kind"] == "append":
        return "z.append loop"
    return ""


def expected_at(w, i, j, shared):
    if w["data"] == "arange":
        return i * w["shape"][1] + j
    item = np.dtype(w["dtype"]).itemsize
    with open(os.path.join(shared, w["id"] + ".raw"), "rb") as f:
        f.seek((i * w["shape"][1] + j) * item)
        return float(np.frombuffer(f.read(item), dtype=w["dtype"])[0])


def check_read(w, op, res, shared):
    n, m = w["shape"]
    row, col = w["row"], w["col"]
    if op == "read_row":
        pts = [(row, 0), (row, col), (row, m - 1)]
        get = lambda i, j: res[j]
    elif op == "read_col":
        pts = [(0, col), (row, col), (n - 1, col)]
        get = lambda i, j: res[i]
    else:
        pts = [(0, 0), (row, col), (1234 % n, 4321 % m), (n - 1, m - 1)]
        get = lambda i, j: res[i, j]
    for i, j in pts:
        got, want = get(i, j), expected_at(w, i, j, shared)
        if got != want:
            raise AssertionError("%s %s: value at (%d, %d) is %r, expected %r" % (w["id"], op, i, j, got, want))


def verify(w, op, own, shared):
    """Check an implementation's written output against what it should hold, with zarr-python."""
    out_dir = os.path.join(own, "out.zarr")
    z = zarr.open(zarr.DirectoryStore(out_dir), mode="r")
    if w["kind"] == "array":
        want = source_data(w, shared)
        if z.shape != want.shape or tuple(z.chunks) != tuple(w["chunks"]) or z.dtype != want.dtype:
            return {"ok": False, "detail": "shape/chunks/dtype %r %r %r" % (z.shape, z.chunks, z.dtype)}
        ok = bool(np.array_equal(z[...], want))
        return {"ok": ok, "detail": "" if ok else "data differ", "nbytes_stored": z.nbytes_stored}
    if w["kind"] == "append":
        rows = w["rows"]
        if z.shape != (rows, w["width"]) or tuple(z.chunks) != (w["chunkRows"], w["width"]):
            return {"ok": False, "detail": "shape %r chunks %r" % (z.shape, z.chunks)}
        want = np.arange(rows * w["width"], dtype="f8").astype(w["dtype"]).reshape(rows, w["width"])
        ok = bool(np.array_equal(z[...], want))
        return {"ok": ok, "detail": "" if ok else "data differ"}
    if w["kind"] == "rechunk":
        if tuple(z.chunks) != tuple(w["targetChunks"]):
            return {"ok": False, "detail": "chunks %r" % (z.chunks,)}
        src = zarr.open(zarr.DirectoryStore(os.path.join(shared, w["id"] + ".zarr")), mode="r")
        ok = bool(np.array_equal(z[...], src[...]))
        return {"ok": ok, "detail": "" if ok else "data differ"}
    return {"ok": False, "detail": "unknown workload kind"}


def main(argv):
    cmd = argv[1]
    if cmd == "versions":
        out = {"zarr": zarr.__version__, "numcodecs": numcodecs.__version__, "numpy": np.__version__,
               "python": sys.version.split()[0], "blosc_nthreads": numcodecs.blosc.get_nthreads()}
    elif cmd == "prepare":
        out = prepare(argv[2], json.loads(argv[3]))
    elif cmd == "run":
        out = run(argv[2], json.loads(argv[3]), argv[4], argv[5], int(argv[6]), float(argv[7]) if len(argv) > 7 else float("inf"))
    elif cmd == "verify":
        out = verify(json.loads(argv[2]), argv[3], argv[4], argv[5])
    else:
        raise SystemExit("unknown command %s" % cmd)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main(sys.argv)
