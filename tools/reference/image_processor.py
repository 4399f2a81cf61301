"""Reference outputs of HF's VideoMAE image processor (PIL backend) and of PIL's BILINEAR resize.

Used by test/native/image-processor.test.ts, live when Python is available and through the
committed fixture test/fixtures/image/processor-reference.json otherwise.

  python image_processor.py run CASE.json...   # CASE: {frames: path, shape: [T,H,W,3], config: {...}}
                                                # writes <frames>.resized.bin (uint8) and
                                                # <frames>.pixels.bin (float32 LE, (T,3,h,w))
  python image_processor.py fixture OUT.json    # regenerates the committed fixture

Needs numpy, pillow and transformers 5.x (VideoMAEImageProcessorPil) — reference work only.
"""
import base64
import json
import sys

import numpy as np
from PIL import Image
from transformers import VideoMAEImageProcessorPil


def resized_size(height, width, shortest_edge):
    # the size HF's processor resizes to (it is printed into the case so the test can check it too)
    short, long = (width, height) if width <= height else (height, width)
    new_long = int(shortest_edge * long / short)
    return (new_long, shortest_edge) if width <= height else (shortest_edge, new_long)


def reference(frames, config):
    processor = VideoMAEImageProcessorPil(**config)
    pixels = processor(list(frames), return_tensors="np")["pixel_values"][0].astype(np.float32)
    shortest = config["size"]["shortest_edge"]
    h, w = resized_size(frames.shape[1], frames.shape[2], shortest)
    resized = np.stack([np.array(Image.fromarray(f).resize((w, h), Image.BILINEAR)) for f in frames])
    return resized, pixels


def run(case_path):
    with open(case_path) as f:
        case = json.load(f)
    frames = np.fromfile(case["frames"], dtype=np.uint8).reshape(case["shape"])
    resized, pixels = reference(frames, case["config"])
    resized.tofile(case["frames"] + ".resized.bin")
    pixels.astype("<f4").tofile(case["frames"] + ".pixels.bin")
    print(json.dumps({"resized": list(resized.shape), "pixels": list(pixels.shape)}))


def synthetic_frames(t, h, w, seed):
    # gradients + noise + hard edges: exercises rounding and the antialiasing filter's tails
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x ^ y) & 1) * 255], -1)
    frames = np.stack([(base + rng.integers(-40, 41, base.shape) * (i + 1)) for i in range(t)])
    return np.clip(frames, 0, 255).astype(np.uint8)


FIXTURE_CASES = [
    # name, (T, H, W), config overrides
    ("downscale-landscape", (2, 27, 41), {"size": {"shortest_edge": 16}, "crop_size": {"height": 16, "width": 16}}),
    ("downscale-portrait-odd-ratio", (1, 50, 19), {"size": {"shortest_edge": 7}, "crop_size": {"height": 6, "width": 5}}),
    ("upscale-and-pad", (2, 7, 5), {"size": {"shortest_edge": 12}, "crop_size": {"height": 19, "width": 14}}),
    ("class-defaults-0.5", (1, 30, 40), {"size": {"shortest_edge": 20}, "crop_size": {"height": 20, "width": 20},
                                         "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}),
]

IMAGENET = {"image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225],
            "rescale_factor": 0.00392156862745098, "resample": 2}


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()


def fixture(out_path):
    cases = []
    for seed, (name, shape, overrides) in enumerate(FIXTURE_CASES):
        config = {**IMAGENET, **overrides}
        frames = synthetic_frames(*shape, seed)
        resized, pixels = reference(frames, config)
        cases.append({
            "name": name, "config": config, "shape": list(frames.shape), "frames": b64(frames),
            "resizedShape": list(resized.shape), "resized": b64(resized),
            "pixelsShape": list(pixels.shape), "pixels": b64(pixels.astype("<f4")),
        })
    import PIL
    import transformers
    with open(out_path, "w") as f:
        json.dump({"generator": "tools/reference/image_processor.py", "pillow": PIL.__version__,
                   "transformers": transformers.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    if sys.argv[1] == "run":
        for case_path in sys.argv[2:]:  # one interpreter for many cases: importing transformers is slow
            run(case_path)
    else:
        fixture(sys.argv[2])
