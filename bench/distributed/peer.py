"""Python peer of bench/distributed: transformers' VideoMAEForVideoClassification (sdpa) under
torch.nn.parallel.DistributedDataParallel with the gloo backend, on the same torch build, doing
what bench/distributed/worker.ts does. argv[1]: the same JSON options plus "config" (the HF
config fields). mode "single": one process, batch × 2 clips per step; mode "ddp": one rank (env://
rendezvous: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT; OMP_NUM_THREADS threads), synchronised
steps, then steps under no_sync(), then dist.all_reduce of the gradient bytes. Prints one JSON line.
"""
import json
import os
import sys
import time

import torch
import torch.distributed as dist
from transformers import VideoMAEConfig, VideoMAEForVideoClassification


def inputs(config, batch):
    frames, size = config.num_frames, config.image_size
    n = batch * frames * 3 * size * size
    x = torch.sin(torch.arange(n, dtype=torch.float64) * 0.001).float().reshape(batch, frames, 3, size, size)
    return x, torch.arange(batch) % 10


def main():
    o = json.loads(sys.argv[1])
    torch.manual_seed(0)
    config = VideoMAEConfig(**o["config"], num_labels=10)
    config._attn_implementation = "sdpa"
    model = VideoMAEForVideoClassification(config)
    model.train()
    ddp = o["mode"] == "ddp"
    if ddp:
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
        dist.init_process_group("gloo")
        model = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    x, y = inputs(config, o["batch"] * (1 if ddp else 2))

    def step():
        loss = model(pixel_values=x, labels=y).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()

    def timed(local):
        out = []
        for _ in range(o["steps"]):
            if ddp:
                dist.barrier()
            start = time.perf_counter()
            if local:
                with model.no_sync():
                    step()
            else:
                step()
            out.append(1000 * (time.perf_counter() - start))
        return out

    step()
    result = {"mode": o["mode"], "threads": torch.get_num_threads(), "stepMs": timed(False)}
    if ddp:
        result["localStepMs"] = timed(True)
        numel = sum(p.numel() for p in model.parameters() if p.requires_grad)
        grads = torch.zeros(numel)
        times = []
        dist.all_reduce(grads)  # warm-up, as on our side
        for _ in range(o["steps"]):
            dist.barrier()
            start = time.perf_counter()
            dist.all_reduce(grads)
            grads /= dist.get_world_size()
            times.append(1000 * (time.perf_counter() - start))
        result.update(allReduceMs=times, bytesPerSync=4 * numel, rank=dist.get_rank())
        dist.destroy_process_group()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
