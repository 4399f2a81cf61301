"""HF's VideoClassificationPipeline (PyAV + PIL image processor path) on given videos: the reference
for `sampling: 'hf'` in test/native/pipeline-hf-parity.test.ts.

  python hf_pipeline.py MODEL_DIR OUT.json VIDEO... [--num-frames N] [--rates 1,2,4] [--top-k K]

Writes {"path": "pyav+image_processor", "results": {"<rate>": [[{label, score}...] per video]}, "frames": [...]}.
The PIL image processor is pinned (VideoMAEImageProcessorPil) and no video processor is used, so the
result does not depend on whether torchvision happens to be installed. Reference work only.
"""
import argparse
import json

import av
import numpy as np
import torch
from transformers import VideoMAEForVideoClassification, VideoMAEImageProcessorPil, pipeline


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("videos", nargs="+")
    parser.add_argument("--num-frames", type=int, default=None)
    parser.add_argument("--rates", default="1")
    parser.add_argument("--top-k", type=int, default=5)
    args = parser.parse_args()

    torch.manual_seed(0)
    model = VideoMAEForVideoClassification.from_pretrained(args.model).eval()
    processor = VideoMAEImageProcessorPil.from_pretrained(args.model)
    pipe = pipeline("video-classification", model=model, image_processor=processor, video_processor=None, device="cpu")
    if pipe.video_processor is not None:
        raise SystemExit("expected HF's PyAV + image-processor path, got a video processor")
    results = {}
    for rate in [int(r) for r in args.rates.split(",")]:
        kwargs = {"top_k": args.top_k, "frame_sampling_rate": rate}
        if args.num_frames is not None:
            kwargs["num_frames"] = args.num_frames
        results[str(rate)] = [pipe(video, **kwargs) for video in args.videos]
    frames = [av.open(v).streams.video[0].frames for v in args.videos]
    with open(args.out, "w") as f:
        json.dump({"path": "pyav+image_processor", "results": results, "frames": frames}, f, indent=1)


if __name__ == "__main__":
    main()
