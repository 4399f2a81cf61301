"""Python peer of bench/model: HF transformers VideoMAEForVideoClassification (sdpa) on the same
torch build, use_mean_pooling False like the videomae side.

Serve mode (what bench/model uses, so that each of its timings is taken right after ours, under
the same machine load): `peer.py --serve`, then one JSON request per stdin line,
{"what": "forward"|"trainStep", "batch": B, "mode": "fp32"|"bf16"} → one line {"ms": ...};
{"what": "quit"} → {"peakRssMB": ...}. Forward runs in eval mode under no_grad; the train step is
forward + backward + torch.optim.AdamW step + zero_grad, bf16 through torch.autocast.
"""
import json
import resource
import sys
import time

import torch
from transformers import VideoMAEConfig, VideoMAEForVideoClassification


def main():
    torch.manual_seed(0)
    config = VideoMAEConfig(num_labels=10, use_mean_pooling=False)
    config._attn_implementation = "sdpa"
    model = VideoMAEForVideoClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    inputs = {}
    print(json.dumps({"ready": True, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["what"] == "quit":
            break
        batch, bf16 = request["batch"], request["mode"] == "bf16"
        if batch not in inputs:
            inputs = {batch: (torch.randn(batch, 16, 3, 224, 224), torch.randint(0, 10, (batch,)))}
        x, y = inputs[batch]
        start = time.perf_counter()
        if request["what"] == "forward":
            model.eval()
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                model(pixel_values=x)
        else:
            model.train()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                loss = model(pixel_values=x, labels=y).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(json.dumps({"ms": 1000 * (time.perf_counter() - start)}), flush=True)
    print(json.dumps({"peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


if __name__ == "__main__":
    main()
