"""Same clip, both pipelines: reads clips our native DataLoader made (run.js dumps them with their
window and, for train clips, our augmentation draws), makes each again with hf_pipeline.py (PyAV
decode + the guide's chain, the random steps replaced by our recorded draws), and reports the
largest pixel difference. Also the untrained model's loss/accuracy on the whole val split through
the Python pipeline (the step-0 loss both stacks start from) and its loss on our tensors.

  python hf_clips.py --index clips.json --clips clips.f32 --data DIR --model DIR --out OUT.json
                     --min-size 37 --max-size 46
"""
import argparse
import json
import os
import sys

from fractions import Fraction

import numpy as np
import torch

torch.set_num_threads(1)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_pipeline as P  # noqa: E402
from transformers import VideoMAEForVideoClassification  # noqa: E402


def fixed_train_transform(mean, std, num_frames, crop, d):
    """The train chain with our draws for this sample instead of torch's generator."""
    def apply(clip):
        x = P.uniform_temporal_subsample(clip, num_frames) / 255.0
        x = P.normalize(x, mean, std)
        x = P.short_side_scale(x, d["scale"])
        x = x[..., d["crop_top"] : d["crop_top"] + crop[0], d["crop_left"] : d["crop_left"] + crop[1]]
        return x.flip(-1) if d["flip"] else x

    return apply


def window_of(d):
    """The window our loader decoded: pytorchvideo's exact [index·stride, index·stride + duration) when
    the plan carries it (ClipWindow.exact), else the double bounds."""
    exact = d.get("exact")
    if not exact:
        return d["start"], d["end"]
    start = exact["index"] * Fraction(exact["stride"])
    return start, start + Fraction(exact["duration"])


def main():
    ap = argparse.ArgumentParser()
    for name in ("--index", "--clips", "--data", "--model", "--out"):
        ap.add_argument(name, required=True)
    ap.add_argument("--sample-rate", type=int, default=4)
    ap.add_argument("--fps", type=float, default=30)
    args = ap.parse_args()

    model = VideoMAEForVideoClassification.from_pretrained(args.model).eval()
    with open(os.path.join(args.model, "preprocessor_config.json")) as fh:
        proc = json.load(fh)
    mean, std = proc["image_mean"], proc["image_std"]
    size = proc["size"]["shortest_edge"]
    resize_to = (size, size)
    n = model.config.num_frames
    with open(args.index) as fh:
        index = json.load(fh)
    raw = np.fromfile(args.clips, dtype=np.float32)

    recorder = P.Recorder()
    val_tf = P.val_transform(mean, std, n, resize_to, recorder)
    offset, per_clip = 0, []
    ours_batch, hf_batch, labels = [], [], []
    ours_by_window = {}
    for d in index:
        count = int(np.prod(d["shape"]))
        ours = torch.from_numpy(raw[offset : offset + count].reshape(d["shape"]).copy())
        offset += count
        video = P.PyAVVideo(d["path"])
        frames, pts = video.get_clip(*window_of(d))
        video.close()
        tf = val_tf if d["split"] == "val" else fixed_train_transform(mean, std, n, resize_to, d)
        hf = tf(frames)
        diff = float((hf - ours).abs().max()) if hf.shape == ours.shape else float("inf")
        per_clip.append({"split": d["split"], "path": d["path"], "start": d["start"], "frames": len(pts), "max_abs_diff": diff})
        if d["split"] == "val":
            ours_by_window[(d["video"], round(d["start"], 6))] = ours
            ours_batch.append(ours.permute(1, 0, 2, 3))
            hf_batch.append(hf.permute(1, 0, 2, 3))
            labels.append(d["label"])

    with torch.no_grad():
        y = torch.tensor(labels)
        loss_ours = float(torch.nn.functional.cross_entropy(model(torch.stack(ours_batch)).logits, y))
        loss_hf = float(torch.nn.functional.cross_entropy(model(torch.stack(hf_batch)).logits, y))
        # the untrained model over the whole val split through the Python pipeline (uniform clips)
        clip_duration = n * args.sample_rate / args.fps
        val = P.LabeledVideoDataset(os.path.join(args.data, "val"), P.UniformClipSampler(clip_duration), val_tf, recorder, "val")
        losses, correct, total = [], 0, 0
        batch = []
        samples = list(val)
        # The dataset reads consecutive uniform clips with exact Fraction windows (start = previous end);
        # ours decodes the same exact windows (ClipWindow.exact). Count the clips whose frames differ.
        loop_diff = []
        for s, r in zip(samples, recorder.samples[-len(samples) :]):
            o = ours_by_window.get((r["video"], round(r["start"], 6)))
            if o is not None:
                dd = float((o - s["video"]).abs().max()) if o.shape == s["video"].shape else float("inf")
                loop_diff.append({"video": r["video"], "start": r["start"], "end": r["end"], "frames": r["frames"], "max_abs_diff": dd})
        for s in samples:
            batch.append(s)
            if len(batch) == 8:
                losses, correct, total = step(model, batch, losses, correct, total)
                batch = []
        if batch:
            losses, correct, total = step(model, batch, losses, correct, total)

    result = {
        "clips": per_clip,
        "max_abs_diff": {s: max([c["max_abs_diff"] for c in per_clip if c["split"] == s] or [0]) for s in ("val", "train")},
        "initial_loss_on_dumped_val_clips": {"ours_tensors": loss_ours, "hf_tensors": loss_hf},
        "initial_val": {"loss": float(np.sum(losses) / total), "accuracy": correct / total, "clips": total},
        "dataset_loop_vs_ours": {
            "compared": len(loop_diff),
            "differing": [c for c in loop_diff if c["max_abs_diff"] > 0],
        },
    }
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1)
    print(f"hf_clips: max |ours - hf| val {result['max_abs_diff']['val']:.3g}, train {result['max_abs_diff']['train']:.3g}")


def step(model, batch, losses, correct, total):
    x = torch.stack([s["video"].permute(1, 0, 2, 3) for s in batch])
    y = torch.tensor([s["label"] for s in batch])
    logits = model(x).logits
    # HF's eval_loss: each batch mean weighted by its size (accelerate trims the last batch)
    losses.append(float(torch.nn.functional.cross_entropy(logits, y)) * len(batch))
    return losses, correct + int((logits.argmax(-1) == y).sum()), total + len(batch)


if __name__ == "__main__":
    main()
