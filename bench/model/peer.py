"""Python peer of bench/model: HF transformers VideoMAEForVideoClassification (sdpa) on the same
torch build. Prints one JSON object. Args: JSON options {batches, iterations, modes, train, numThreads}."""
import json, sys, time, resource
import torch
from transformers import VideoMAEConfig, VideoMAEForVideoClassification

opts = json.loads(sys.argv[1])
torch.set_num_threads(opts.get("numThreads") or torch.get_num_threads())
torch.manual_seed(0)
config = VideoMAEConfig(num_labels=10, use_mean_pooling=False)
config._attn_implementation = "sdpa"
model = VideoMAEForVideoClassification(config)
results = []
for batch in opts["batches"]:
    x = torch.randn(batch, 16, 3, 224, 224)
    y = torch.randint(0, 10, (batch,))
    for mode in opts["modes"]:
        bf16 = mode == "bf16"
        model.eval()
        times = []
        for i in range(opts["iterations"] + 1):
            t = time.perf_counter()
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                model(pixel_values=x)
            if i: times.append(time.perf_counter() - t)
        results.append({"what": "forward", "batch": batch, "mode": mode, "msPerClip": 1000 * min(times) / batch})
        if opts.get("train"):
            model.train()
            opt = torch.optim.AdamW(model.parameters(), lr=1e-5)
            times = []
            for i in range(opts["iterations"] + 1):
                t = time.perf_counter()
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    loss = model(pixel_values=x, labels=y).loss
                loss.backward(); opt.step(); opt.zero_grad()
                if i: times.append(time.perf_counter() - t)
            results.append({"what": "trainStep", "batch": batch, "mode": mode, "msPerClip": 1000 * min(times) / batch})
print(json.dumps({"results": results, "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
