# SPDX-License-Identifier: MIT
"""Which device's counters a recording gets under CUDA_VISIBLE_DEVICES."""
import os
import tempfile
import time

import torch
import timecapsule as tc
from timecapsule._recording import core, _torch_counters

out = tempfile.mkdtemp()
tc.record(output=os.path.join(out, "visible.tc"), every=10)
if torch.cuda.is_available():
    keep = torch.zeros(1024, 1024, device="cuda")   # 4 MiB held
time.sleep(0.1)   # NVML starts beside the program (~25 ms)
d = core.system_sample(_torch_counters())
tc.stop()
print("CUDA_VISIBLE_DEVICES=%r cuda=%s:" % (os.environ.get("CUDA_VISIBLE_DEVICES"), torch.cuda.is_available()),
      {k: round(v, 1) for k, v in sorted(d.items()) if k.startswith("gpu")})
