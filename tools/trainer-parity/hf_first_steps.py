"""The first optimizer steps of our run, replayed in transformers on the very same batches: our
first train batches of epoch 0 (dumped by run.js with our augmentations; hf_clips.py checks they
equal the Python pipeline's pixels) go through HF's VideoMAEForVideoClassification in train mode,
mean cross-entropy, clip_grad_norm_(1.0), torch AdamW (fused, as transformers 5.x's default
adamw_torch_fused) with the learning rates our log says each step used. Loss and grad_norm per step
should equal our trainer_state.json's to float precision.

  python hf_first_steps.py --index clips.json --clips clips.f32 --model DIR --ours steps.json --out OUT.json
"""
import argparse
import json

import numpy as np
import torch
from transformers import VideoMAEForVideoClassification

torch.set_num_threads(1)


def main():
    ap = argparse.ArgumentParser()
    for name in ("--index", "--clips", "--model", "--ours", "--out"):
        ap.add_argument(name, required=True)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--max-grad-norm", type=float, default=1.0)
    args = ap.parse_args()

    with open(args.index) as fh:
        index = json.load(fh)
    with open(args.ours) as fh:
        ours = json.load(fh)  # our log_history entries of steps 1..k: loss, grad_norm, learning_rate
    raw = np.fromfile(args.clips, dtype=np.float32)
    train, offset = [], 0
    for d in index:
        count = int(np.prod(d["shape"]))
        if d["split"] == "train":
            train.append((torch.from_numpy(raw[offset : offset + count].reshape(d["shape"]).copy()), d["label"]))
        offset += count

    model = VideoMAEForVideoClassification.from_pretrained(args.model)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, fused=True)
    steps = []
    for k, entry in enumerate(ours):
        batch = train[k * args.batch_size : (k + 1) * args.batch_size]
        if len(batch) < args.batch_size:
            break
        x = torch.stack([c.permute(1, 0, 2, 3) for c, _ in batch])  # (B,T,C,H,W) as the guide's collate
        y = torch.tensor([label for _, label in batch])
        loss = torch.nn.functional.cross_entropy(model(pixel_values=x).logits, y)
        loss.backward()
        norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), args.max_grad_norm))
        for group in optimizer.param_groups:
            group["lr"] = entry["learning_rate"]
        optimizer.step()
        optimizer.zero_grad()
        steps.append(
            {
                "step": k + 1,
                "lr": entry["learning_rate"],
                "loss": {"ours": entry["loss"], "hf": float(loss.detach())},
                "grad_norm": {"ours": entry.get("grad_norm"), "hf": norm},
            }
        )
    with open(args.out, "w") as fh:
        json.dump(steps, fh, indent=1)
    worst = max(abs(s["loss"]["ours"] - s["loss"]["hf"]) for s in steps) if steps else float("nan")
    print(f"hf_first_steps: {len(steps)} steps on our batches, max |loss ours - hf| {worst:.3g}")


if __name__ == "__main__":
    main()
