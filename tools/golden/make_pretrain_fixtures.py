"""The "videomae-pretrain-*" golden fixtures: tiny random VideoMAEForPreTraining models in Hugging Face
format, with the masked-reconstruction outputs that HF transformers' own PyTorch code produces for them.

Run by hand (committed; the tests only read its output):
    $(bash scripts/python-env.sh) tools/golden/make_pretrain_fixtures.py
Writes test/fixtures/<case>/{config.json, model.safetensors, inputs.safetensors, expected.safetensors,
fixture_info.json, README.md, SHA256SUMS} for the cases
    videomae-pretrain-normpix     32x32, norm_pix_loss true,  tube mask from the seeded generator (seed 42, ratio 0.75)
    videomae-pretrain-pixels      32x32, norm_pix_loss false, an explicit non-tube mask (EXPLICIT_MASK below)
    videomae-pretrain-nonsquare   32x48 (image_size [32, 48]), norm_pix_loss true, seeded tube mask (seed 7, ratio 0.5)

Each model (patch 8, 4 frames, tubelet 2, hidden 32, 2 layers, 2 heads, MLP 64, q/v biases,
use_mean_pooling false so videomae.layernorm exists, decoder 16 wide, 2 layers, 2 heads, MLP 32) is
built by transformers, then every parameter (mask_token included) is redrawn (seeded) so that biases
and LayerNorm parameters are not 0/1. The outputs are those of eager attention in float32 on CPU with
one thread, in train mode (all dropout probs are 0, so train = eval; checked): logits, loss, the
reconstruction targets HF computes inside forward (reproduced here and checked bit for bit against the
ones HF passes to MSELoss), and the gradient of every parameter after loss.backward(). Running it twice
gives byte-identical files (check with `sha256sum -c SHA256SUMS` in each folder).
"""
import copy
import hashlib
import json
import math
import os
import sys

import numpy
import safetensors
import torch
import transformers
import transformers.models.videomae.modeling_videomae as hf_videomae
from safetensors.torch import load_file, save_file
from transformers import VideoMAEConfig, VideoMAEForPreTraining, VideoMAEForVideoClassification

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import file_name  # noqa: E402  (5.x in-memory query.bias/value.bias -> file q_bias/v_bias)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO, "test", "fixtures")
GENERATOR = "tools/golden/make_pretrain_fixtures.py"

INIT_SEED, WEIGHT_SEED, INPUT_SEED = 0, 2468, 1357
BATCH = 2
BASE = dict(image_size=32, patch_size=8, num_channels=3, num_frames=4, tubelet_size=2, hidden_size=32, num_hidden_layers=2,
            num_attention_heads=2, intermediate_size=64, hidden_act="gelu", hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0, initializer_range=0.02, layer_norm_eps=1e-12, qv_bias=True,
            use_mean_pooling=False, decoder_hidden_size=16, decoder_num_hidden_layers=2, decoder_num_attention_heads=2,
            decoder_intermediate_size=32)
# The explicit mask of the "pixels" case: the VISIBLE (unmasked) token indices of each sample, token = slot * 16 + patch
# (patch = row * 4 + col in the 4x4 grid). Every other token is masked: 24 of 32 per sample. Not a tube mask:
#   sample 0: slot 0 keeps the main diagonal (patches 0, 5, 10, 15), slot 1 the anti-diagonal (patches 3, 6, 9, 12);
#   sample 1: slot 0 keeps patches 0-5, slot 1 only patches 14, 15 (6 + 2 visible: the count per slot differs).
EXPLICIT_VISIBLE = [[0, 5, 10, 15, 19, 22, 25, 28], [0, 1, 2, 3, 4, 5, 30, 31]]
CASES = {
    "videomae-pretrain-normpix": dict(model=dict(norm_pix_loss=True), mask=dict(seed=42, mask_ratio=0.75, sample_indices=[0, 1])),
    "videomae-pretrain-pixels": dict(model=dict(norm_pix_loss=False), mask="explicit"),
    "videomae-pretrain-nonsquare": dict(model=dict(norm_pix_loss=True, image_size=[32, 48]),
                                        mask=dict(seed=7, mask_ratio=0.5, sample_indices=[0, 1])),
}
FILES = ["README.md", "config.json", "expected.safetensors", "fixture_info.json", "inputs.safetensors", "model.safetensors"]
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]  # transformers.utils.constants IMAGENET_DEFAULT_*

# ---------------------------------------------------------------------------------------------------------------------
# The tube-masking generator (ours; the TypeScript side implements the identical one: lib/data/samplers.ts SeededRandom).

M64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
TUBE_MASK_KEY = 0x7AB3


def _mix(z):
    z = (z + GOLDEN_GAMMA) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class SeededRandom:
    """splitmix64 keyed by integers, bit for bit the TypeScript SeededRandom (lib/data/samplers.ts)."""

    def __init__(self, *keys):
        s = 0x853C49E6748FEA9B
        for k in keys:
            s = _mix(s ^ (math.floor(k) & M64))
        self.state = s

    def next(self):
        """Uniform in [0, 1): the top 53 bits of mix(state) / 2^53."""
        self.state = (self.state + GOLDEN_GAMMA) & M64
        return (_mix(self.state) >> 11) / 2 ** 53

    def below(self, n):
        return min(n - 1, math.floor(self.next() * n))


def tube_mask(patches_per_frame, temporal_slots, mask_ratio, seed, sample_index):
    """VideoMAE tube masking: floor(ratio * P) patches of one frame, the same ones in every temporal slot.
    Returns a list of S*P ints, 1 = masked, token index = slot * P + patch."""
    m = int(mask_ratio * patches_per_frame)  # TubeMaskingGenerator: int(mask_ratio * num_patches_per_frame)
    per_frame = [0] * (patches_per_frame - m) + [1] * m
    rng = SeededRandom(seed, sample_index, TUBE_MASK_KEY)
    for i in range(patches_per_frame - 1, 0, -1):  # Fisher-Yates, from the end
        j = rng.below(i + 1)
        per_frame[i], per_frame[j] = per_frame[j], per_frame[i]
    return per_frame * temporal_slots


# ---------------------------------------------------------------------------------------------------------------------


def redraw_parameters(model, seed):
    """Every parameter, in named_parameters() order, from one seeded generator: weights (and mask_token) ~ N(0, 1/fan_in),
    biases ~ N(0, 0.2^2), LayerNorm weights ~ 1 + N(0, 0.2^2)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if name.endswith("bias"):
                p.copy_(noise * 0.2)
            elif "norm" in name:  # layernorm_before/after, videomae.layernorm, decoder.norm
                p.copy_(1.0 + noise * 0.2)
            else:
                p.copy_(noise / math.sqrt(p[0].numel()))


def reference_labels(config, pixel_values, bool_masked_pos):
    """The targets, computed the way VideoMAEForPreTraining.forward computes them (transformers 5.x), written out here."""
    with torch.no_grad():
        dtype = pixel_values.dtype
        mean = torch.as_tensor(IMAGENET_MEAN).to(dtype=dtype).view(1, 1, 3, 1, 1)  # float32 first, then the input dtype
        std = torch.as_tensor(IMAGENET_STD).to(dtype=dtype).view(1, 1, 3, 1, 1)
        frames = pixel_values * std + mean
        b, t, c, h, w = frames.shape
        ts, p = config.tubelet_size, config.patch_size
        # (b, t/ts, ts, c, h/p, p, w/p, p) -> (b, t/ts, h/p, w/p, ts, p, p, c)
        x = frames.reshape(b, t // ts, ts, c, h // p, p, w // p, p).permute(0, 1, 4, 6, 2, 5, 7, 3).contiguous()
        n = (t // ts) * (h // p) * (w // p)
        if config.norm_pix_loss:
            x = x.reshape(b, n, ts * p * p, c)  # per patch and per channel, over its ts*p*p pixels
            x = (x - x.mean(dim=-2, keepdim=True)) / (x.var(dim=-2, unbiased=True, keepdim=True).sqrt() + 1e-6)
        patches = x.reshape(b, n, ts * p * p * c)
        return patches[bool_masked_pos].reshape(b, -1, ts * p * p * c)


class RecordingMSELoss(torch.nn.MSELoss):
    """Stands in for torch.nn.MSELoss inside modeling_videomae while HF's forward runs, to record its (input, target)."""
    calls = []

    def forward(self, input, target):
        RecordingMSELoss.calls.append((input.detach().clone(), target.detach().clone()))
        return super().forward(input, target)


def run(model, pixels, mask):
    """One forward (current mode), then loss.backward(). Returns outputs, HF's own targets and intermediates."""
    caught = {}
    hooks = [model.videomae.register_forward_hook(lambda m, i, o: caught.__setitem__("encoder_last_hidden_state", o.last_hidden_state)),
             model.decoder.register_forward_pre_hook(lambda m, args: caught.__setitem__("decoder_input", args[0]))]
    original = hf_videomae.MSELoss
    hf_videomae.MSELoss = RecordingMSELoss
    RecordingMSELoss.calls = []
    try:
        out = model(pixel_values=pixels, bool_masked_pos=mask)
    finally:
        hf_videomae.MSELoss = original
        for h in hooks:
            h.remove()
    assert len(RecordingMSELoss.calls) == 1
    seen_logits, hf_labels = RecordingMSELoss.calls[0]
    assert torch.equal(seen_logits, out.logits.detach())
    model.zero_grad(set_to_none=True)
    out.loss.backward()
    result = {"logits": out.logits, "loss": out.loss, "hf_labels": hf_labels, **caught}
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


def make_mask(spec, patches_per_frame, slots):
    if spec == "explicit":
        n = patches_per_frame * slots
        rows = [[0 if i in visible else 1 for i in range(n)] for visible in EXPLICIT_VISIBLE]
    else:
        rows = [tube_mask(patches_per_frame, slots, spec["mask_ratio"], spec["seed"], i) for i in spec["sample_indices"]]
    assert len({sum(r) for r in rows}) == 1, "HF needs the same number of masked tokens in every sample"
    return torch.tensor(rows, dtype=torch.uint8)


def make_case(name, spec):
    out_dir = os.path.join(FIXTURES, name)
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        if f not in FILES + ["SHA256SUMS"]:
            sys.exit(f"unexpected file {os.path.join(out_dir, f)}: remove it first")
        os.remove(os.path.join(out_dir, f))

    config = VideoMAEConfig(**{**BASE, **spec["model"]})
    config._attn_implementation = "eager"
    torch.manual_seed(INIT_SEED)
    model = VideoMAEForPreTraining(config)
    assert model.config._attn_implementation == "eager" and model.decoder.config._attn_implementation == "eager"
    redraw_parameters(model, WEIGHT_SEED)
    model.save_pretrained(out_dir)
    state = file_state_dict(model)
    on_disk = load_file(os.path.join(out_dir, "model.safetensors"))
    assert sorted(on_disk) == sorted(state), "model.safetensors keys differ from the file-form state dict"
    assert all(on_disk[k].dtype == torch.float32 and torch.equal(on_disk[k], state[k]) for k in state)
    model64 = copy.deepcopy(model).double()

    height, width = (config.image_size, config.image_size) if isinstance(config.image_size, int) else tuple(config.image_size)
    patches_per_frame = (height // config.patch_size) * (width // config.patch_size)
    slots = config.num_frames // config.tubelet_size
    num_tokens = slots * patches_per_frame
    assert num_tokens == model.videomae.embeddings.num_patches
    mask_u8 = make_mask(spec["mask"], patches_per_frame, slots)
    mask = mask_u8.bool()
    num_masked = int(mask_u8[0].sum())
    g = torch.Generator().manual_seed(INPUT_SEED)
    pixels = torch.randn(BATCH, config.num_frames, config.num_channels, height, width, generator=g)

    model.train()  # dropout probs are all 0: the same numbers as eval (checked below)
    out = run(model, pixels, mask)
    labels = reference_labels(config, pixels, mask)
    assert torch.equal(labels, out["hf_labels"]), "reproduced targets differ from the ones HF passed to MSELoss"
    loss_check = torch.nn.functional.mse_loss(out["logits"], labels)
    rel = abs(loss_check.item() - out["loss"].item()) / abs(out["loss"].item())
    assert rel <= 1e-7, f"MSELoss(logits, labels) = {loss_check.item()} vs HF loss {out['loss'].item()}"
    token_dim = config.tubelet_size * config.patch_size ** 2 * config.num_channels
    assert out["logits"].shape == (BATCH, num_masked, token_dim) and labels.shape == out["logits"].shape
    assert out["loss"].shape == ()
    named = {file_name(n): p for n, p in model.named_parameters()}
    assert all(p.grad is not None for p in named.values())
    expected = {"logits": out["logits"], "loss": out["loss"], "labels": labels,
                "encoder_last_hidden_state": out["encoder_last_hidden_state"], "decoder_input": out["decoder_input"]}
    for k, p in named.items():
        expected["grad." + k] = p.grad.detach().clone()
    expected = {k: v.contiguous() for k, v in sorted(expected.items())}

    model.eval()
    with torch.no_grad():
        ev = model(pixel_values=pixels, bool_masked_pos=mask)
    assert torch.equal(ev.logits, expected["logits"]) and torch.equal(ev.loss, expected["loss"]), "train != eval"
    reloaded, load_info = VideoMAEForPreTraining.from_pretrained(out_dir, output_loading_info=True, attn_implementation="eager")
    assert not load_info["missing_keys"] and not load_info["unexpected_keys"] and not load_info["mismatched_keys"]
    with torch.no_grad():
        re_out = reloaded.eval()(pixel_values=pixels, bool_masked_pos=mask)
    assert torch.equal(re_out.logits, expected["logits"]) and torch.equal(re_out.loss, expected["loss"]), "save/load round trip"
    _, clf_info = VideoMAEForVideoClassification.from_pretrained(out_dir, num_labels=3, output_loading_info=True,
                                                                 attn_implementation="eager")

    inputs = {"pixel_values": pixels.contiguous(), "bool_masked_pos": mask_u8.contiguous()}
    save_file(inputs, os.path.join(out_dir, "inputs.safetensors"), metadata={"format": "pt"})
    save_file(expected, os.path.join(out_dir, "expected.safetensors"), metadata={"format": "pt"})

    # The same model in float64, for the tolerances in the README (HF casts its float32 mean/std constants to float64).
    model64.train()
    out64 = run(model64, pixels.double(), mask)
    named64 = {file_name(n): p for n, p in model64.named_parameters()}
    d_logits = (out64["logits"] - out["logits"].double()).abs().max().item()
    d_labels = (out64["hf_labels"] - labels.double()).abs().max().item()
    d_loss = abs(out64["loss"].item() - out["loss"].item()) / abs(out64["loss"].item())
    d_grad = max(((named64[k].grad - expected["grad." + k].double()).abs().max() / named64[k].grad.abs().max()).item()
                 for k in named)

    modeling = hf_videomae.__file__
    mask_info = {"num_masked_per_sample": num_masked, "num_tokens": num_tokens, "patches_per_frame": patches_per_frame,
                 "temporal_slots": slots, "token_order": "token = slot * patches_per_frame + row * (W/p) + col; 1 = masked"}
    if spec["mask"] == "explicit":
        mask_info.update({"kind": "explicit", "visible_tokens": EXPLICIT_VISIBLE,
                          "note": "not a tube mask: sample 0 keeps the diagonal in slot 0 and the anti-diagonal in slot 1; "
                                  "sample 1 keeps patches 0-5 of slot 0 and 14-15 of slot 1"})
    else:
        mask_info.update({"kind": "mask_generator"})
    info = {
        "architecture": "VideoMAEForPreTraining",
        "batch": BATCH,
        "case": name,
        "classifier_load_report": {
            "call": "VideoMAEForVideoClassification.from_pretrained(folder, num_labels=3, output_loading_info=True)",
            "missing_keys": sorted(file_name(k) for k in clf_info["missing_keys"]),
            "mismatched_keys": sorted(str(k) for k in clf_info["mismatched_keys"]),
            "note": "key names as transformers reports them, mapped to file names (q_bias/v_bias)",
            "unexpected_keys": sorted(file_name(k) for k in clf_info["unexpected_keys"]),
        },
        "float64_comparison": {
            "grad_max_rel": float(f"{d_grad:.2e}"),
            "labels_max_abs": float(f"{d_labels:.2e}"),
            "logits_max_abs": float(f"{d_logits:.2e}"),
            "loss_rel": float(f"{d_loss:.2e}"),
            "note": "max difference between these float32 values and the same model run in float64",
        },
        "generator": GENERATOR,
        "hf_source": {
            "attn_implementation": "eager",
            "modeling_file": "transformers/models/videomae/modeling_videomae.py",
            "modeling_file_sha256": sha256(modeling),
            "repo": "huggingface/transformers",
            "transformers_version": transformers.__version__,
        },
        "inputs": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)} for k, v in inputs.items()},
        "loss": "torch.nn.MSELoss() (mean over all B * num_masked * token_dim elements) of logits against labels; 0-dim",
        "loss_value": out["loss"].item(),
        "mask": mask_info,
        "mode": "model.train() (all dropout probs are 0.0; eval gives bit-identical logits and loss)",
        "notes": [
            "labels are the reconstruction targets HF computes inside forward under no_grad; they equal, bit for bit, the target HF passes to MSELoss",
            "labels: pixel_values * IMAGENET_DEFAULT_STD + IMAGENET_DEFAULT_MEAN, split into (t/ts, h/p, w/p) tubelets, each flattened (ts, p, p, c) with c fastest"
            + ("; norm_pix_loss: per tubelet and per channel, (x - mean) / (sqrt(unbiased var) + 1e-6) over the ts*p*p pixels" if config.norm_pix_loss else "; no per-patch normalisation (norm_pix_loss false)"),
            "logits and labels keep only the masked tokens, in increasing token order",
            "encoder_last_hidden_state: output of videomae (visible tokens only, in increasing token order, after videomae.layernorm)",
            "decoder_input: cat([encoder_to_decoder(encoder_last_hidden_state) + pos_visible, mask_token + pos_masked], dim=1), the decoder table being sin-cos of width decoder_hidden_size",
            "decoder.norm is nn.LayerNorm(decoder_hidden_size) with torch's default eps 1e-5; every other LayerNorm uses layer_norm_eps",
            "encoder_to_decoder has no bias; mask_token is a (1, 1, decoder_hidden_size) parameter",
            "state dict keys are in the file form: attention.attention.q_bias / v_bias (transformers 5.x names them query.bias / value.bias in memory)",
            "bool_masked_pos is stored as uint8 (1 = masked); HF needs torch.bool: the script passes mask.bool()",
        ],
        "numpy_version": numpy.__version__,
        "safetensors_version": safetensors.__version__,
        "seeds": {
            "hf_init": INIT_SEED,
            "inputs": INPUT_SEED,
            "note": "torch.manual_seed(hf_init) before building the model; torch.Generator seeded with weights for the redraw and with inputs for pixel_values",
            "weights": WEIGHT_SEED,
        },
        "tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)} for k, v in expected.items()},
        "torch_num_threads": 1,
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "weights": "HF init, then every parameter redrawn (see make_pretrain_fixtures.redraw_parameters): weights and mask_token N(0, 1/fan_in), biases N(0, 0.04), LayerNorm weights 1 + N(0, 0.04)",
    }
    if spec["mask"] != "explicit":
        info["mask_generator"] = {
            "algorithm": "tube mask: m = int(mask_ratio * P) masked patches per frame; per_frame = [0]*(P-m) + [1]*m; "
                         "rng = SeededRandom(seed, sample_index, 0x7AB3); for i = P-1 down to 1: j = rng.below(i+1), swap per_frame[i], per_frame[j]; "
                         "mask = per_frame repeated temporal_slots times",
            "implementation": f"{GENERATOR} tube_mask / SeededRandom (splitmix64, = lib/data/samplers.ts SeededRandom)",
            "key": TUBE_MASK_KEY,
            "key_hex": hex(TUBE_MASK_KEY),
            "mask_ratio": spec["mask"]["mask_ratio"],
            "sample_indices": spec["mask"]["sample_indices"],
            "seed": spec["mask"]["seed"],
        }
    write_json(os.path.join(out_dir, "fixture_info.json"), info)
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write(readme(name, config, spec, height, width, mask_u8, num_masked, token_dim, expected, d_logits, d_labels, d_loss, d_grad))

    present = sorted(os.listdir(out_dir))
    assert present == sorted(FILES), f"unexpected files in {out_dir}: {present}"
    for f in present:
        os.chmod(os.path.join(out_dir, f), 0o644)  # safetensors writes 0600
    with open(os.path.join(out_dir, "SHA256SUMS"), "w") as f:
        for n in present:
            f.write(f"{sha256(os.path.join(out_dir, n))}  {n}\n")
    checksum = hashlib.sha256(b"".join(v.numpy().tobytes() for v in expected.values())).hexdigest()[:16]
    print(f"{name}: loss {out['loss'].item():.9g} (|loss| max {out['loss'].abs().max().item():.9g}), "
          f"max|logits| {out['logits'].abs().max().item():.6g}, max|labels| {labels.abs().max().item():.6g}, "
          f"masked {num_masked}/{num_tokens} per sample, expected-tensors sha256 {checksum}, "
          f"expected.safetensors {sha256(os.path.join(out_dir, 'expected.safetensors'))[:16]}")


def readme(name, config, spec, height, width, mask_u8, num_masked, token_dim, expected, d_logits, d_labels, d_loss, d_grad):
    n = mask_u8.shape[1]
    if spec["mask"] == "explicit":
        mask_text = f"""an **explicit** mask (not from the generator, not a tube mask). Visible (kept)
  tokens, token = slot·16 + row·4 + col; every other token is masked ({num_masked} of {n} per sample):
  * sample 0: {EXPLICIT_VISIBLE[0]} — the main diagonal of the 4×4 grid in slot 0 and the
    anti-diagonal in slot 1;
  * sample 1: {EXPLICIT_VISIBLE[1]} — patches 0–5 in slot 0 and only patches 14, 15 in slot 1
    (6 + 2 visible: the per-slot count differs, only the per-sample count must agree)."""
    else:
        m = spec["mask"]
        mask_text = f"""a **tube mask from the seeded generator** (`tube_mask` in `{GENERATOR}`, the same algorithm
  as the TypeScript side): seed {m['seed']}, mask ratio {m['mask_ratio']}, sample indices {m['sample_indices']}, so
  int({m['mask_ratio']}·{n // (config.num_frames // config.tubelet_size)}) patches per frame, the same in both temporal slots: {num_masked} of {n} tokens
  masked per sample. `fixture_info.json` → `mask_generator` spells out the algorithm."""
    nonsquare = ""
    if name.endswith("nonsquare"):
        nonsquare = """
HF supports this: `VideoMAEConfig.image_size` accepts a `[height, width]` pair (saved as a list in
`config.json`), `VideoMAEPatchEmbeddings` uses it as a 2-tuple, both sin-cos tables are sized by
the token count (2·4·6 = 48), and the targets use `height // patch_size` and `width // patch_size`
separately. `patch_size` must stay an int (the decoder head width uses `patch_size**2`).
"""
    rows = "\n".join(f"| `{k}` | {list(v.shape)} | {str(v.dtype).replace('torch.', '')} |" for k, v in expected.items()
                     if not k.startswith("grad."))
    grads = sum(1 for k in expected if k.startswith("grad."))
    return f"""# {name}: golden fixture for VideoMAEForPreTraining

A tiny, randomly initialised VideoMAE masked autoencoder in Hugging Face format, with the
masked-reconstruction outputs that Hugging Face's own PyTorch code produces for it.

* **Source of the outputs**: `transformers/models/videomae/modeling_videomae.py`
  (`VideoMAEForPreTraining.forward`), unchanged, from transformers {transformers.__version__} (pip), with eager
  attention on CPU, torch {torch.__version__}, one thread, float32, `model.train()` (every dropout
  probability is 0, so this equals eval; checked).
* **Model**: image {height}×{width} (`image_size` {json.dumps(config.image_size)}), patch 8, 4 frames, tubelet 2, so
  {n} tokens. Encoder: hidden 32, 2 layers, 2 heads, MLP 64, `qv_bias=true`,
  `use_mean_pooling=false` (so `videomae.layernorm` exists, as in `MCG-NJU/videomae-base`),
  `layer_norm_eps=1e-12`, exact-erf `gelu`. Decoder: hidden 16, 2 layers, 2 heads, MLP 32.
  **`norm_pix_loss={str(config.norm_pix_loss).lower()}`**.
* **Mask**: {mask_text}
* **Weights**: every parameter (including `mask_token`) was redrawn after HF's initialisation
  (weights and `mask_token` N(0, 1/fan_in), biases N(0, 0.2²), LayerNorm weights 1 + N(0, 0.2²)).
* **Generator**: `{GENERATOR}`, seeds {INIT_SEED} (HF init), {WEIGHT_SEED} (weights), {INPUT_SEED} (inputs).
  Regenerate with:

  ```
  $(bash scripts/python-env.sh) {GENERATOR}
  ```

  The output is byte-identical from run to run; `sha256sum -c SHA256SUMS` in this folder checks it.
{nonsquare}
## Files

| file | contents |
| --- | --- |
| `config.json` | HF config as `save_pretrained` writes it (`architectures: ["VideoMAEForPreTraining"]`) |
| `model.safetensors` | state dict, F32, file key names (`q_bias`, `v_bias`); `mask_token`, `encoder_to_decoder.weight`, `decoder.*` included; no position tables |
| `inputs.safetensors` | `pixel_values` {list(expected['logits'].shape[:1]) + [config.num_frames, 3, height, width]} F32 (standard normal, (B, T, C, H, W)); `bool_masked_pos` [{BATCH}, {n}] U8, 1 = masked (pass it to HF as `torch.bool`) |
| `expected.safetensors` | the outputs below |
| `fixture_info.json` | shapes, seeds, mask, versions, float64 comparison, the classifier loading report |
| `README.md` | this file |
| `SHA256SUMS` | sha256 of every other file here |

## expected.safetensors

| tensor | shape | dtype |
| --- | --- | --- |
{rows}

* `logits`: the decoder head output for the masked tokens only, in increasing token order;
  width tubelet·p·p·3 = {token_dim}.
* `loss`: 0-dim, `MSELoss()` (mean over every element) of `logits` against `labels`.
* `labels`: the targets HF computes inside forward (no grad): `pixel_values·std + mean` with
  ImageNet mean/std, cut into (t/2, h/8, w/8) tubelets, each flattened in (dt, dy, dx, c) order
  (c fastest){", each tubelet normalised per channel over its 2·8·8 pixels: (x − mean) / (sqrt(unbiased var) + 1e-6)" if config.norm_pix_loss else ", not normalised"},
  then the masked tokens. Bit-identical to the target HF passes to `MSELoss`.
* `encoder_last_hidden_state`: `videomae(...)` output, visible tokens only (increasing token
  order), after `videomae.layernorm`.
* `decoder_input`: what enters the decoder layers: the {n - num_masked} visible tokens
  (`encoder_to_decoder` output + decoder sin-cos table rows) then the {num_masked} masked ones
  (`mask_token` + table rows).
* `grad.<file key>`: gradient of every parameter ({grads} tensors) after `loss.backward()`.

## Suggested float32 tolerances

* logits, labels: atol 1e-4; loss: rtol 1e-5.
* gradients: per tensor, `max|Δ| ≤ 1e-3·max|ref|`.

For comparison, the same model run in float64 differs from these float32 values by at most
{d_logits:.1e} in the logits, {d_labels:.1e} in the labels, {d_loss:.1e} relative in the loss, and {d_grad:.1e}
relative (per tensor, to its largest entry) in the gradients.
"""


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    transformers.logging.set_verbosity_error()  # the classifier load report is recorded in fixture_info.json instead
    transformers.logging.disable_progress_bar()
    # The generator's first draws, fixed here so that a port can be checked without running this script.
    r = SeededRandom(42, 0, TUBE_MASK_KEY)
    first = [r.next() for _ in range(2)]
    assert tube_mask(4, 2, 0.5, 1, 0) == tube_mask(4, 1, 0.5, 1, 0) * 2
    print(f"SeededRandom(42, 0, 0x7AB3).next() x2 = {first[0]!r}, {first[1]!r}")
    for name, spec in CASES.items():
        make_case(name, spec)


if __name__ == "__main__":
    main()
