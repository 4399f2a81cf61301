"""Python peer of bench/pretrain: transformers' VideoMAEForPreTraining (sdpa) train step
(forward + backward + AdamW + zero_grad) on the same torch build. argv[1]: JSON
{"config": {...HF config fields}, "batch": B, "iterations": K, "maskRatio": r}; the tube mask
masks floor(r * patches per frame) positions of every frame, the same ones in every clip (a fixed
mask: the timing does not depend on which). Prints {"ms": [per iteration]}.
"""
import json
import sys
import time

import torch
from transformers import VideoMAEConfig, VideoMAEForPreTraining


def main():
    o = json.loads(sys.argv[1])
    torch.manual_seed(0)
    config = VideoMAEConfig(**o["config"])
    config._attn_implementation = "sdpa"
    model = VideoMAEForPreTraining(config)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1.5e-4, betas=(0.9, 0.95), weight_decay=0.05)
    b, t, size = o["batch"], config.num_frames, config.image_size
    per_frame = (size // config.patch_size) ** 2
    slots = t // config.tubelet_size
    masked = int(o["maskRatio"] * per_frame)
    frame = torch.zeros(per_frame, dtype=torch.bool)
    frame[torch.randperm(per_frame)[:masked]] = True
    mask = frame.repeat(slots).unsqueeze(0).expand(b, -1).contiguous()
    x = torch.sin(torch.arange(b * t * 3 * size * size, dtype=torch.float64) * 0.001).float().reshape(b, t, 3, size, size)
    times = []
    for i in range(o["iterations"] + 1):
        start = time.perf_counter()
        loss = model(pixel_values=x, bool_masked_pos=mask).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if i > 0:
            times.append(1000 * (time.perf_counter() - start))
    print(json.dumps({"ms": times, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
