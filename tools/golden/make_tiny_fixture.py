"""The "videomae-tiny" golden fixture: a tiny random VideoMAEForVideoClassification in Hugging Face
format, with the outputs that HF transformers' own PyTorch code produces for it.

Run by hand (committed; the tests only read its output):
    $(bash scripts/python-env.sh) tools/golden/make_tiny_fixture.py
Writes test/fixtures/videomae-tiny/{config.json, preprocessor_config.json, model.safetensors,
pytorch_model.bin, expected.safetensors, fixture_info.json, README.md, SHA256SUMS}.

The model (image 32, patch 8, 4 frames, tubelet 2, hidden 48, 2 layers, 4 heads, MLP 96, q/v biases,
mean pooling, 5 labels) is built by transformers, then every parameter is redrawn (seeded) so that
biases and LayerNorm parameters are not 0/1. The outputs are those of eager attention in float32,
eval mode, on CPU with one thread: logits, loss, embeddings, hidden states, pooled features,
gradients after loss.backward(), and a few parameters after one plain AdamW step (weight decay 0)
over all parameters. Running it twice gives byte-identical files (check with
`sha256sum -c SHA256SUMS` in the folder).
"""
import copy
import hashlib
import json
import math
import os
import re
import sys

import numpy
import safetensors
import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import VideoMAEConfig, VideoMAEForVideoClassification, VideoMAEImageProcessor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import file_name  # noqa: E402  (5.x in-memory query.bias/value.bias -> file q_bias/v_bias)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "test", "fixtures", "videomae-tiny")
GENERATOR = "tools/golden/make_tiny_fixture.py"

INIT_SEED, WEIGHT_SEED, INPUT_SEED = 0, 1234, 5678
BATCH = 2
LABELS = ["ApplyEyeMakeup", "Archery", "BabyCrawling", "BalanceBeam", "BandMarching"]
OPTIMIZER = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
MODEL = dict(image_size=32, patch_size=8, num_channels=3, num_frames=4, tubelet_size=2, hidden_size=48, num_hidden_layers=2,
             num_attention_heads=4, intermediate_size=96, hidden_act="gelu", hidden_dropout_prob=0.0,
             attention_probs_dropout_prob=0.0, initializer_range=0.02, layer_norm_eps=1e-12, qv_bias=True,
             use_mean_pooling=True)
PROCESSOR = dict(do_resize=True, size={"shortest_edge": 32}, resample=2, do_center_crop=True, crop_size={"height": 32, "width": 32},
                 do_rescale=True, rescale_factor=1 / 255, do_normalize=True, image_mean=[0.485, 0.456, 0.406],
                 image_std=[0.229, 0.224, 0.225])
# Gradients recorded (file-form names): the patch projection, every layer-0 parameter, layer 1's
# output.dense.weight, fc_norm and classifier.
GRAD_PATTERN = re.compile(r"^(videomae\.embeddings\.patch_embeddings\.projection\.|videomae\.encoder\.layer\.0\.|fc_norm\.|classifier\.)"
                          r"|^videomae\.encoder\.layer\.1\.output\.dense\.weight$")
AFTER_STEP = ["classifier.weight", "classifier.bias", "videomae.encoder.layer.0.attention.attention.query.weight",
              "videomae.encoder.layer.0.attention.attention.q_bias"]
GRAD_KEYS_REQUIRED = ["videomae.embeddings.patch_embeddings.projection.weight",
                      "videomae.encoder.layer.0.attention.attention.query.weight",
                      "videomae.encoder.layer.0.attention.attention.q_bias", "videomae.encoder.layer.1.output.dense.weight",
                      "fc_norm.weight", "classifier.weight", "classifier.bias"]
FILES = ["README.md", "config.json", "expected.safetensors", "fixture_info.json", "model.safetensors", "preprocessor_config.json",
         "pytorch_model.bin"]


def redraw_parameters(model, seed):
    """Every parameter, in named_parameters() order, from one seeded generator: weights ~ N(0, 1/fan_in),
    biases ~ N(0, 0.2^2), LayerNorm weights ~ 1 + N(0, 0.2^2)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if name.endswith("bias"):
                p.copy_(noise * 0.2)
            elif "norm" in name:  # layernorm_before/after, fc_norm
                p.copy_(1.0 + noise * 0.2)
            else:
                p.copy_(noise / math.sqrt(p[0].numel()))


def run(model, pixels, labels):
    """One forward (eval) with labels and hidden states, then loss.backward(). Returns the outputs of interest."""
    caught = {}
    hooks = [model.videomae.embeddings.register_forward_hook(lambda m, i, o: caught.__setitem__("embeddings", o)),
             model.videomae.register_forward_hook(lambda m, i, o: caught.__setitem__("last_hidden_state", o.last_hidden_state)),
             model.fc_norm.register_forward_hook(lambda m, i, o: caught.__setitem__("pooled", o))]
    out = model(pixel_values=pixels, labels=labels, output_hidden_states=True)
    for h in hooks:
        h.remove()
    out.loss.backward()
    result = {"logits": out.logits, "loss": out.loss, **caught}
    for i, h in enumerate(out.hidden_states):
        result[f"hidden_states.{i}"] = h
    return {k: v.detach().clone() for k, v in result.items()}


def file_state_dict(model):
    return {file_name(k): v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f not in FILES + ["SHA256SUMS"]:
            sys.exit(f"unexpected file {os.path.join(OUT, f)}: remove it first")
        os.remove(os.path.join(OUT, f))

    config = VideoMAEConfig(**MODEL, id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)})
    config._attn_implementation = "eager"
    torch.manual_seed(INIT_SEED)
    model = VideoMAEForVideoClassification(config).eval()
    assert model.config._attn_implementation == "eager"
    redraw_parameters(model, WEIGHT_SEED)
    # Saved before any forward: the loss sets config.problem_type, which the file should not carry.
    model.save_pretrained(OUT)
    VideoMAEImageProcessor(**PROCESSOR).save_pretrained(OUT)
    state = file_state_dict(model)
    torch.save(state, os.path.join(OUT, "pytorch_model.bin"))  # zip format; entries under pytorch_model/
    on_disk = load_file(os.path.join(OUT, "model.safetensors"))
    assert sorted(on_disk) == sorted(state), "model.safetensors keys differ from the file-form state dict"
    assert all(on_disk[k].dtype == torch.float32 and torch.equal(on_disk[k], state[k]) for k in state)
    model64 = copy.deepcopy(model).double()

    g = torch.Generator().manual_seed(INPUT_SEED)
    pixels = torch.randn(BATCH, config.num_frames, config.num_channels, config.image_size, config.image_size, generator=g)
    labels = torch.randint(0, config.num_labels, (BATCH,), generator=g)
    out = run(model, pixels, labels)
    assert torch.equal(out["embeddings"], out["hidden_states.0"])
    assert torch.equal(out["last_hidden_state"], out[f"hidden_states.{config.num_hidden_layers}"])  # no final layernorm
    named = {file_name(n): p for n, p in model.named_parameters()}
    expected = {"pixel_values": pixels, "labels": labels, **out}
    for k, p in named.items():
        if GRAD_PATTERN.search(k):
            expected["grad." + k] = p.grad.detach().clone()
    assert all("grad." + k in expected for k in GRAD_KEYS_REQUIRED)
    torch.optim.AdamW(model.parameters(), **OPTIMIZER).step()
    for k in AFTER_STEP:
        expected["after_step." + k] = named[k].detach().clone()
    expected = {k: v.contiguous() for k, v in sorted(expected.items())}
    save_file(expected, os.path.join(OUT, "expected.safetensors"), metadata={"format": "pt"})

    # The same model in float64, for the tolerances in the README.
    out64 = run(model64, pixels.double(), labels)
    named64 = {file_name(n): p for n, p in model64.named_parameters()}
    d_logits = (out64["logits"] - out["logits"].double()).abs().max().item()
    d_hidden = max((out64[k] - out[k].double()).abs().max().item() for k in out if k.startswith("hidden_states.") or k == "last_hidden_state")
    d_grad = max(((named64[k].grad - expected["grad." + k].double()).abs().max() / named64[k].grad.abs().max()).item()
                 for k in named if "grad." + k in expected)

    modeling = sys.modules[type(model).__module__].__file__
    info = {
        "architecture": "VideoMAEForVideoClassification",
        "batch": BATCH,
        "case": "tiny-meanpool",
        "generator": GENERATOR,
        "grad_keys_required": GRAD_KEYS_REQUIRED,
        "hf_source": {
            "attn_implementation": "eager",
            "modeling_file": "transformers/models/videomae/modeling_videomae.py",
            "modeling_file_sha256": sha256(modeling),
            "repo": "huggingface/transformers",
            "transformers_version": transformers.__version__,
        },
        "float64_comparison": {
            "grad_max_rel": float(f"{d_grad:.2e}"),
            "hidden_states_max_abs": float(f"{d_hidden:.2e}"),
            "logits_max_abs": float(f"{d_logits:.2e}"),
            "note": "max difference between these float32 values and the same model run in float64",
        },
        "loss": "torch.nn.CrossEntropyLoss() (mean over batch) on logits, labels int64",
        "mode": "model.eval() (dropout off; all dropout probs are 0.0 anyway)",
        "notes": [
            "pooled = fc_norm(last_hidden_state.mean(1)) when use_mean_pooling, else last_hidden_state[:, 0] (VideoMAE has no CLS token: token 0 is the first patch, after videomae.layernorm)",
            "fc_norm is nn.LayerNorm(hidden_size) with torch's default eps=1e-5, NOT config.layer_norm_eps",
            "hidden_states.0 = embeddings (patch conv + fixed sinusoid table); hidden_states.i = output of encoder layer i-1 (before videomae.layernorm)",
            "loss is a 0-dim tensor (safetensors shape [])",
            "state dict keys are in the file form: attention.attention.q_bias / v_bias (transformers 5.x names them query.bias / value.bias in memory); the key projection has no bias",
        ],
        "num_labels": config.num_labels,
        "num_patches": model.videomae.embeddings.num_patches,
        "numpy_version": numpy.__version__,
        "optimizer": {
            "betas": list(OPTIMIZER["betas"]),
            "eps": OPTIMIZER["eps"],
            "lr": OPTIMIZER["lr"],
            "name": "torch.optim.AdamW",
            "note": "one step over ALL parameters from fresh state, after one backward of `loss`",
            "weight_decay": OPTIMIZER["weight_decay"],
        },
        "safetensors_version": safetensors.__version__,
        "seed": WEIGHT_SEED,
        "seeds": {
            "hf_init": INIT_SEED,
            "inputs": INPUT_SEED,
            "note": "torch.manual_seed(hf_init) before building the model; torch.Generator seeded with weights for the redraw and with inputs for pixel_values then labels",
            "weights": WEIGHT_SEED,
        },
        "tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)} for k, v in expected.items()},
        "torch_num_threads": 1,
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "weights": "HF _init_weights, then every parameter redrawn (see make_tiny_fixture.redraw_parameters): weights N(0, 1/fan_in), biases N(0, 0.04), LayerNorm weights 1 + N(0, 0.04)",
    }
    write_json(os.path.join(OUT, "fixture_info.json"), info)
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(readme(d_logits, d_hidden, d_grad))

    present = sorted(os.listdir(OUT))
    assert present == sorted(FILES), f"unexpected files in {OUT}: {present}"
    for name in present:
        os.chmod(os.path.join(OUT, name), 0o644)  # safetensors writes 0600
    with open(os.path.join(OUT, "SHA256SUMS"), "w") as f:
        for name in present:
            f.write(f"{sha256(os.path.join(OUT, name))}  {name}\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"videomae-tiny: {total / 1024:.0f} KB in {OUT} (transformers {transformers.__version__}, torch {torch.__version__})",
          file=sys.stderr)


def readme(d_logits, d_hidden, d_grad):
    return f"""# videomae-tiny: golden fixture for VideoMAEForVideoClassification

This is a tiny, randomly initialised VideoMAE video classifier in Hugging Face
format, together with the outputs that Hugging Face's own PyTorch code
produces for it.

* **Source of the outputs**: `transformers/models/videomae/modeling_videomae.py`,
  unchanged, from transformers {transformers.__version__} (pip). It was run with eager
  attention on CPU with torch {torch.__version__}, one thread, in float32.
* **Model**: image 32, patch 8, 4 frames, tubelet 2, so 32 tokens. Hidden size
  48, 2 layers, 4 heads, MLP 96, q/v biases (`qv_bias=true`), `use_mean_pooling=true`,
  exact-erf `gelu`, `layer_norm_eps=1e-12`. 5 labels, `ApplyEyeMakeup` to
  `BandMarching`.
* **Weights**: every parameter was redrawn after HF's initialisation, so that
  biases and LayerNorm parameters are not 0 or 1 (weights N(0, 1/fan_in), biases
  N(0, 0.2²), LayerNorm weights 1 + N(0, 0.2²)).
* **Generator**: `{GENERATOR}`, seeds {INIT_SEED} (HF init), {WEIGHT_SEED} (weights),
  {INPUT_SEED} (inputs). Regenerate with:

  ```
  $(bash scripts/python-env.sh) {GENERATOR}
  ```

  The output is byte-identical from run to run; `sha256sum -c SHA256SUMS` in this
  folder checks it.

## Files

| file | contents |
| --- | --- |
| `config.json` | HF config as transformers 5.x saves it: `architectures`, `model_type`, `id2label` with string keys, `label2id`, `qv_bias`, `dtype`, and all VideoMAEConfig fields; no `problem_type` |
| `preprocessor_config.json` | VideoMAEImageProcessor settings (shortest edge 32, center crop 32, ImageNet mean/std) |
| `model.safetensors` | state dict, F32, file key names (`q_bias`, `v_bias`) |
| `pytorch_model.bin` | the same state dict, saved with `torch.save` in zip format (the entries are under `pytorch_model/`), same key names |
| `expected.safetensors` | inputs and the expected outputs, listed below |
| `fixture_info.json` | shapes, seeds, versions, and notes |
| `README.md` | this file |
| `SHA256SUMS` | sha256 of every other file here |

## expected.safetensors

* `pixel_values`: (2, 4, 3, 32, 32) F32, standard normal.
* `labels`: (2,) I64.
* `logits`: (2, 5).
* `loss`: 0-dim F32. This is `CrossEntropyLoss`, averaged over the batch.
* `embeddings`, `hidden_states.{{0,1,2}}`, `last_hidden_state`: (2, 32, 48).
  `embeddings` equals `hidden_states.0`; with mean pooling there is no final
  layernorm, so `last_hidden_state` equals `hidden_states.2`.
* `pooled`: (2, 48), equal to `fc_norm(last_hidden_state.mean(1))`.
* `grad.<state-dict key>`: gradients after `loss.backward()`. These cover the
  patch projection, every layer-0 parameter, layer 1's `output.dense.weight`,
  `fc_norm`, and `classifier`.
* `after_step.<key>`: values after one
  `torch.optim.AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`
  step over all parameters. The keys are `classifier.weight`,
  `classifier.bias`, layer-0 `query.weight`, and layer-0 `q_bias`.

All outputs were computed in `eval()` mode. Every dropout probability is 0.

## Notes

These details are easy to get wrong:

* `fc_norm` uses torch's default eps of 1e-5, not `config.layer_norm_eps`.
* The key projection has no bias. `q_bias` and `v_bias` are separate parameters
  (transformers 5.x calls them `query.bias` and `value.bias` in memory, but
  writes `q_bias` and `v_bias` to files).
* Tokens are ordered (t, h, w). The Conv3d kernel is laid out as (out, c, dt, dy, dx).
* The sinusoid position table is computed in float64 and then rounded to
  float32. It is not part of the state dict.

Suggested float32 tolerances:

* logits: atol 1e-4, rtol 1e-4.
* hidden states: atol 1e-4.
* gradients: per tensor, `max|Δ| ≤ 1e-3·max|ref|`.

For comparison, the same model run in float64 differs from these float32
values by at most {d_logits:.1e} in the logits, {d_hidden:.1e} in the hidden states, and
{d_grad:.1e} relative (per tensor, to its largest entry) in the gradients.
"""


if __name__ == "__main__":
    main()
