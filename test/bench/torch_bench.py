#!/usr/bin/env python3
"""PyTorch side of `npm run bench`: times nn.LSTM forward (eval, no_grad) on the same workload sizes.
usage: torch_bench.py JSON  (JSON = {"batch","T","input_size","hidden_size","num_layers","bidirectional","lengths"|null,
"threads","reps"}); prints {"coldMs", "timesMs", "threads", "torch"}."""
import json
import sys
import time

import torch
from torch.nn.utils.rnn import pack_padded_sequence

w = json.loads(sys.argv[1])
torch.set_num_threads(int(w["threads"]))
torch.manual_seed(0)
mod = torch.nn.LSTM(w["input_size"], w["hidden_size"], num_layers=w["num_layers"], bidirectional=w["bidirectional"]).eval()
x = torch.rand(w["T"], w["batch"], w["input_size"]) * 2 - 1
inp = pack_padded_sequence(x, w["lengths"]) if w.get("lengths") else x


def run():
    t0 = time.perf_counter()
    with torch.no_grad():
        mod(inp)
    return (time.perf_counter() - t0) * 1000


cold = run()
times = [run() for _ in range(int(w["reps"]))]
print(json.dumps({"coldMs": cold, "timesMs": times, "threads": torch.get_num_threads(), "torch": torch.__version__}))
