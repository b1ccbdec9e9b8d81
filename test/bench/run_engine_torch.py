#!/usr/bin/env python3
"""PyTorch side of test/bench/run-engine.ts: runs a seed script's code (the same file the run engine runs) in this
process, cold (first exec, torch already imported) and warm (later execs). usage: run_engine_torch.py FILE REPS;
prints {"importMs", "coldMs", "timesMs", "torch"}."""
import contextlib
import io
import json
import sys
import time

t0 = time.perf_counter()
import torch  # noqa: E402

import_ms = (time.perf_counter() - t0) * 1000
torch.set_num_threads(1)
code = compile(open(sys.argv[1]).read(), sys.argv[1], "exec")


def run():
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, {"__name__": "__main__"})
    return (time.perf_counter() - t) * 1000


cold = run()
times = [run() for _ in range(int(sys.argv[2]))]
print(json.dumps({"importMs": import_ms, "coldMs": cold, "timesMs": times, "torch": torch.__version__}))
