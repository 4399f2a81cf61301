"""Exports a saved VideoMAEForVideoClassification checkpoint (a savePretrained folder) to ONNX for
the onnxruntime peer of the benchmarks (bench/onnx), in two variants:

* model.onnx: the straight export, transformers' sdpa attention, torch.onnx.export(dynamo=True),
  dynamic batch; ONNX Runtime applies its own graph optimizations when it loads it.
* model-fused.onnx: onnxruntime.transformers' optimizer (model_type "vit": the BERT fusions,
  Python pattern matching only, opt_level 0) over a second dynamo export made for it. Its attention
  fusion (FusionAttention) matches only an unmasked eager attention of the form
      Softmax <- Div <- MatMul(Q, K^T), with Q, K, V each Transpose <- Reshape <- Add <- MatMul,
  and none of what transformers 5 exports matches:
    - sdpa: the exporter decomposes it as Softmax <- MatMul(Q * sqrt(scale), K^T * sqrt(scale)),
      K^T built through Shape/Slice/Reshape/Transpose/Reshape: not one of its patterns;
    - eager: scores are multiplied by the scale (Softmax <- Mul <- MatMul), and the only
      mask-free pattern is the Div one, so here the scores are divided by 1/scale instead
      (8 for 64-wide heads, exactly the same result): the "div_eager" attention below;
    - the key projection has no bias (VideoMAE has q and v biases only): the k path needs an
      Add, so the key Linear gets an all-zero bias (the same function).
  With both (recipe dynamo-div-eager-keybias) every layer fuses to one Attention node
  (com.microsoft, packed QKV weights) plus SkipLayerNormalization and BiasGelu. The legacy
  TorchScript exporter (dynamo=False, opset 17) does not help: its Q/K/V Reshape shapes are a
  Concat(batch, seq, -1, head_size) (transformers' view(..., -1, head_size)), from which the
  fusion reads num_heads = -1 and gives up instead of using the num_heads argument. `--explore`
  tries every recipe and keeps the one with the most attention nodes.

  python export.py --checkpoint DIR --cache-root DIR [--explore] [--no-check]

The exports are cached under CACHE_ROOT/<hash of the checkpoint files, EXPORT_VERSION and the
torch / transformers / onnxruntime versions>/; a rerun with the same checkpoint prints the cached
JSON. Prints one JSON line on stdout:
{"plain": path, "fused": path, "nodeCounts": {...}, "recipe": ..., "cached": bool, ...}.
"""
import argparse
import collections
import hashlib
import json
import os
import sys
import time
import warnings

import torch

# Part of the cache key: bump it when a change here changes what gets exported.
EXPORT_VERSION = 1

FUSED_OPS = [
    "Attention",
    "MultiHeadAttention",
    "SkipLayerNormalization",
    "LayerNormalization",
    "Gelu",
    "BiasGelu",
    "FastGelu",
    "MatMul",
    "Gemm",
    "Softmax",
]


def log(message):
    print(f"[onnx-export] {message}", file=sys.stderr, flush=True)


def cache_key(checkpoint):
    import onnxruntime
    import transformers

    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors"):
        with open(os.path.join(checkpoint, name), "rb") as f:
            for block in iter(lambda: f.read(1 << 22), b""):
                digest.update(block)
    digest.update(f"{EXPORT_VERSION} {torch.__version__} {transformers.__version__} {onnxruntime.__version__}".encode())
    return digest.hexdigest()[:16]


def op_counts(path):
    import onnx

    model = onnx.load(path, load_external_data=False)
    counts = collections.Counter(node.op_type for node in model.graph.node)
    return {op: counts.get(op, 0) for op in FUSED_OPS} | {"total": sum(counts.values())}


class Logits(torch.nn.Module):
    """pixel_values [B, T, C, H, W] → logits [B, num_labels]."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model(pixel_values=pixel_values).logits


def div_eager_attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
    """transformers' eager attention with the scores divided by 1/scaling (8 for 64-wide heads: exact)
    instead of multiplied by scaling: the Softmax ← Div ← MatMul form the ORT attention fusion matches."""
    if scaling is None:
        scaling = query.size(-1) ** -0.5
    scores = torch.matmul(query, key.transpose(2, 3)) / (1.0 / scaling)
    if attention_mask is not None:
        scores = scores + attention_mask
    weights = torch.nn.functional.softmax(scores, dim=-1)
    output = torch.matmul(weights, value).transpose(1, 2).contiguous()
    return output, weights


def load(checkpoint, attn, key_bias):
    from transformers import AttentionInterface, VideoMAEForVideoClassification

    AttentionInterface.register("div_eager", div_eager_attention)
    model = VideoMAEForVideoClassification.from_pretrained(checkpoint, attn_implementation=attn).eval()
    if key_bias:
        # The fusion wants MatMul + Add on each of Q, K, V; a zero bias leaves the function unchanged.
        for layer in model.videomae.encoder.layer:
            attention = layer.attention.attention
            old = attention.key
            if old.bias is None:
                new = torch.nn.Linear(old.in_features, old.out_features, bias=True)
                with torch.no_grad():
                    new.weight.copy_(old.weight)
                    new.bias.zero_()
                attention.key = new
    return Logits(model).eval()


def example(config, batch=1):
    size = config.image_size
    generator = torch.Generator().manual_seed(0)
    return torch.randn(batch, config.num_frames, config.num_channels, size, size, generator=generator)


def export(module, path, dynamo, opset=None):
    x = example(module.model.config, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dynamo:
            batch = torch.export.Dim("batch", min=1, max=1024)
            kwargs = {"opset_version": opset} if opset else {}
            program = torch.onnx.export(
                module,
                (x,),
                dynamo=True,
                input_names=["pixel_values"],
                output_names=["logits"],
                dynamic_shapes={"pixel_values": {0: batch}},
                optimize=True,
                verbose=False,
                **kwargs,
            )
            program.save(path, external_data=False)
        else:
            torch.onnx.export(
                module,
                (x,),
                path,
                dynamo=False,
                input_names=["pixel_values"],
                output_names=["logits"],
                dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}},
                opset_version=opset or 17,
                do_constant_folding=True,
            )


def fuse(source, target, config):
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    options = FusionOptions("vit")
    optimized = optimizer.optimize_model(
        source,
        model_type="vit",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
        optimization_options=options,
        opt_level=0,
        use_gpu=False,
    )
    optimized.save_model_to_file(target, use_external_data_format=False)
    return optimized.get_fused_operator_statistics()


# name → (attention implementation, zero key bias, dynamo, opset)
recipes = {
    "dynamo-sdpa": ("sdpa", False, True, None),
    "dynamo-eager": ("eager", False, True, None),
    "dynamo-eager-keybias": ("eager", True, True, None),
    "dynamo-div-eager": ("div_eager", False, True, None),
    "dynamo-div-eager-keybias": ("div_eager", True, True, None),
    "torchscript-eager-keybias": ("eager", True, False, 17),
    "torchscript-div-eager-keybias": ("div_eager", True, False, 17),
}
DEFAULT_RECIPE = "dynamo-div-eager-keybias"


def check(module, paths, config):
    """Max abs difference of each ONNX file's logits from transformers' on one random clip."""
    import numpy as np
    import onnxruntime as ort

    x = example(config, 1)
    with torch.no_grad():
        reference = module(x).numpy()
    out = {}
    for name, path in paths.items():
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        logits = session.run(None, {"pixel_values": x.numpy()})[0]
        out[name] = float(np.abs(logits - reference).max())
    return out


def prune(cache_root, checkpoint, keep):
    """Removes the earlier exports of the same checkpoint folder (other weights or versions)."""
    import shutil

    for name in os.listdir(cache_root):
        summary_path = os.path.join(cache_root, name, "export.json")
        if name == keep or not os.path.isfile(summary_path):
            continue
        try:
            with open(summary_path) as f:
                previous = json.load(f).get("checkpoint")
        except (OSError, ValueError):
            continue
        if previous == checkpoint:
            log(f"removing the earlier export {os.path.join(cache_root, name)}")
            shutil.rmtree(os.path.join(cache_root, name), ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--cache-root", required=True)
    parser.add_argument("--explore", action="store_true", help="try every recipe, keep the best fused one")
    parser.add_argument("--recipe", default=DEFAULT_RECIPE, choices=sorted(recipes))
    parser.add_argument("--no-check", action="store_true", help="skip the onnxruntime-vs-torch logits check")
    args = parser.parse_args()
    try:
        import onnx
        import onnxruntime
        import onnxscript  # noqa: F401
    except ImportError as error:
        raise SystemExit(f"{error}: install onnx, onnxscript and onnxruntime in the reference env (scripts/python-env.sh)")
    torch.set_num_threads(2)

    key = cache_key(args.checkpoint)
    folder = os.path.join(args.cache_root, key)
    summary_path = os.path.join(folder, "export.json")
    if os.path.exists(summary_path) and not args.explore:
        with open(summary_path) as f:
            summary = json.load(f)
        if all(os.path.exists(summary[k]) for k in ("plain", "fused")):
            print(json.dumps(summary | {"cached": True}))
            return
    os.makedirs(folder, exist_ok=True)
    prune(args.cache_root, os.path.abspath(args.checkpoint), keep=key)

    started = time.perf_counter()
    plain_module = load(args.checkpoint, "sdpa", False)
    config = plain_module.model.config
    plain = os.path.join(folder, "model.onnx")
    log(f"exporting {plain} (sdpa, dynamo=True)")
    export(plain_module, plain, dynamo=True)

    tried = {}
    names = list(recipes) if args.explore else [args.recipe]
    best = None
    for name in names:
        attn, key_bias, dynamo, opset = recipes[name]
        source = plain if name == "dynamo-sdpa" else os.path.join(folder, f"export-{name}.onnx")
        try:
            if name != "dynamo-sdpa":
                log(f"exporting {source} ({name})")
                export(load(args.checkpoint, attn, key_bias), source, dynamo=dynamo, opset=opset)
            target = os.path.join(folder, f"fused-{name}.onnx")
            log(f"fusing {source} → {target}")
            stats = fuse(source, target, config)
            counts = op_counts(target)
            attention = counts["Attention"] + counts["MultiHeadAttention"]
            tried[name] = {"fusedOperators": {k: v for k, v in stats.items() if v}, "nodeCounts": counts}
            score = (attention, counts["SkipLayerNormalization"], -counts["total"])
            if best is None or score > best[0]:
                best = (score, name, target)
        except Exception as error:  # a recipe that fails to export or fuse is reported, not fatal
            tried[name] = {"error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
        finally:
            if source != plain and os.path.exists(source):
                os.remove(source)
    if best is None:
        raise SystemExit(f"no fused variant: {json.dumps(tried)}")
    _, recipe, target = best
    fused = os.path.join(folder, "model-fused.onnx")
    os.replace(target, fused)
    for name in tried:
        leftover = os.path.join(folder, f"fused-{name}.onnx")
        if os.path.exists(leftover):
            os.remove(leftover)

    summary = {
        "checkpoint": os.path.abspath(args.checkpoint),
        "plain": plain,
        "fused": fused,
        "recipe": recipe,
        "recipes": tried,
        "nodeCounts": {"plain": op_counts(plain), "fused": op_counts(fused)},
        "versions": {"torch": torch.__version__, "onnxruntime": onnxruntime.__version__, "onnx": onnx.__version__},
        "exportSeconds": time.perf_counter() - started,
    }
    if not args.no_check:
        reference = load(args.checkpoint, "sdpa", False)
        summary["pythonCheckMaxAbsDiff"] = check(reference, {"plain": plain, "fused": fused}, config)
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary | {"cached": False}))


if __name__ == "__main__":
    main()
