"""The Python way of loading the guide's training clips, for bench/data (peer figure).

Per video, as pytorchvideo's Ucf101 + EncodedVideoPyAV + the HF guide's train transforms do
(docs/hf-semantics.md § "HF guide: transform chains", § "pytorchvideo: clip samplers",
§ "pytorchvideo: clip window to frames" and § "Transforms: pytorchvideo and torchvision semantics"):
read the file into BytesIO, open it with PyAV, pick a
random clip start (python `random`), seek 1024 pts before it, decode, keep frames with
start_pts <= pts < end_pts, frame.to_rgb().to_ndarray(), stack → (C,T,H,W) float32, then
UniformTemporalSubsample(16), /255, Normalize, RandomShortSideScale(256, 320), RandomCrop(224),
RandomHorizontalFlip, through a torch DataLoader with the guide's collate (B,T,C,H,W).
pytorchvideo/torchvision cannot be installed here, so their few lines are written out.

Usage: python python_loader.py <json: {paths, labels, batchSize, workers, epochs, numFrames, sampleRate, fps}>
Prints JSON {clipsPerSecond, clips, seconds}.
"""
import io
import json
import math
import random
import sys
import time
from fractions import Fraction

import av
import torch
import torch.nn.functional as F

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def decode_clip(path, clip_duration):
    with open(path, "rb") as f:
        container = av.open(io.BytesIO(f.read()))
    stream = container.streams.video[0]
    tb = stream.time_base
    start_pts0 = stream.start_time or 0
    duration = float((stream.duration - start_pts0) * tb) if stream.duration else None
    start = Fraction(random.uniform(0, max(duration - clip_duration, 0)))
    end = start + Fraction(clip_duration)
    start_pts = math.ceil(start / tb) + start_pts0
    end_pts = math.ceil(end / tb) + start_pts0
    container.seek(int(max(start_pts - 1024, 0)), any_frame=False, backward=True, stream=stream)
    frames = {}
    for frame in container.decode(video=0):
        if start_pts <= frame.pts <= end_pts:
            frames[frame.pts] = frame
        elif frame.pts > end_pts:
            break
    container.close()
    pairs = [(frames[p].to_rgb().to_ndarray(), p) for p in sorted(frames)]
    kept = [torch.from_numpy(a) for a, p in pairs if start_pts <= p < end_pts]
    return torch.stack(kept).permute(3, 0, 1, 2).to(torch.float32)


def train_transform(x, num_frames):
    t = x.shape[1]
    x = torch.index_select(x, 1, torch.linspace(0, t - 1, num_frames).clamp(0, t - 1).long())
    x = x / 255.0
    y = x.permute(1, 0, 2, 3)
    y = (y - torch.tensor(MEAN).view(-1, 1, 1)) / torch.tensor(STD).view(-1, 1, 1)
    x = y.permute(1, 0, 2, 3)
    size = torch.randint(256, 321, (1,)).item()
    _, _, h, w = x.shape
    nh, nw = (int(math.floor(h / w * size)), size) if w < h else (size, int(math.floor(w / h * size)))
    x = F.interpolate(x, size=(nh, nw), mode="bilinear", align_corners=False)
    i = torch.randint(0, nh - 224 + 1, (1,)).item()
    j = torch.randint(0, nw - 224 + 1, (1,)).item()
    x = x[..., i:i + 224, j:j + 224]
    if torch.rand(1) < 0.5:
        x = x.flip(-1)
    return x


class Clips(torch.utils.data.Dataset):
    def __init__(self, paths, labels, clip_duration, num_frames):
        self.paths, self.labels, self.clip_duration, self.num_frames = paths, labels, clip_duration, num_frames

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        return {"video": train_transform(decode_clip(self.paths[i], self.clip_duration), self.num_frames), "label": self.labels[i]}


def collate(examples):
    return {"pixel_values": torch.stack([e["video"].permute(1, 0, 2, 3) for e in examples]),
            "labels": torch.tensor([e["label"] for e in examples])}


def main():
    cfg = json.loads(sys.argv[1])
    clip_duration = cfg["numFrames"] * cfg["sampleRate"] / cfg["fps"]
    ds = Clips(cfg["paths"], cfg["labels"], clip_duration, cfg["numFrames"])
    loader = torch.utils.data.DataLoader(ds, batch_size=cfg["batchSize"], shuffle=True, num_workers=cfg["workers"],
                                         collate_fn=collate, persistent_workers=cfg["workers"] > 0)
    next(iter(loader))  # warm up (worker start, first imports)
    clips, started = 0, time.perf_counter()
    for _ in range(cfg["epochs"]):
        for batch in loader:
            clips += batch["pixel_values"].shape[0]
    seconds = time.perf_counter() - started
    print(json.dumps({"clipsPerSecond": clips / seconds, "clips": clips, "seconds": seconds}))


if __name__ == "__main__":
    main()
