"""Golden fixtures for the libtorch VideoMAE, made with HF transformers' own code.

Run by hand (committed; the tests only read its output):
    $(bash scripts/python-env.sh) tools/golden/make_golden.py
Writes test/fixtures/golden/<case>/{config.json, model.safetensors, expected.safetensors, case.json}.
Each case is a tiny random model whose every parameter is redrawn (so biases and LayerNorm
parameters are not 0/1), saved with save_pretrained (5.x file names q_bias/v_bias), and the
outputs of eager attention in float32 eval mode: logits, loss, last_hidden_state, gradients of
selected parameters after loss.backward(), and those parameters after one AdamW step with HF
Trainer's two parameter groups (weight decay 0.1 on Linear/Conv weights only).
The pretraining case saves a VideoMAEForPreTraining and records what
VideoMAEForVideoClassification.from_pretrained reports and computes for its encoder.
"""
import json
import os
import re
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers import VideoMAEConfig, VideoMAEForPreTraining, VideoMAEForVideoClassification

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "golden"))
LR, WD = 1e-3, 0.1

CASES = {
    "meanpool-qvbias": dict(image_size=24, patch_size=8, num_frames=4, tubelet_size=2, hidden_size=24, num_hidden_layers=2,
                            num_attention_heads=4, intermediate_size=48, use_mean_pooling=True, qv_bias=True, num_labels=5, batch=2),
    "token0-noqvbias": dict(image_size=24, patch_size=6, num_frames=6, tubelet_size=3, hidden_size=24, num_hidden_layers=2,
                            num_attention_heads=3, intermediate_size=40, use_mean_pooling=False, qv_bias=False, num_labels=3, batch=3),
    "patch4-tubelet1": dict(image_size=16, patch_size=4, num_frames=2, tubelet_size=1, hidden_size=16, num_hidden_layers=3,
                            num_attention_heads=2, intermediate_size=32, use_mean_pooling=True, qv_bias=True, num_labels=4, batch=2),
}
GRAD_PATTERNS = [r"projection\.weight$", r"layer\.0\.attention\.attention\.(query|key|value)\.weight$", r"layer\.0\..*(q_bias|query\.bias)$",
                 r"layer\.0\.layernorm_before\.weight$", r"layer\.1\.output\.dense\.weight$", r"^(fc_norm|videomae\.layernorm)\.weight$",
                 r"^classifier\.(weight|bias)$",
                 # the last layer of the 2-layer cases: token-0 pooling evaluates only token 0's rows there
                 r"layer\.1\.attention\.attention\.(query|key|value)\.weight$", r"layer\.1\.(intermediate\.dense|layernorm_after)\.weight$"]


def file_name(name):
    # 5.x names q/v biases query.bias/value.bias in memory and q_bias/v_bias in files.
    return name.replace("attention.attention.query.bias", "attention.attention.q_bias").replace(
        "attention.attention.value.bias", "attention.attention.v_bias")


def redraw(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.1)


def decays(name):
    lowered = name.lower()
    return not ("bias" in lowered or "layernorm" in lowered or "norm." in lowered)


def make_classifier_case(name, spec):
    spec = dict(spec)
    batch = spec.pop("batch")
    num_labels = spec.pop("num_labels")
    config = VideoMAEConfig(**spec, num_labels=num_labels, hidden_act="gelu", layer_norm_eps=1e-12)
    config._attn_implementation = "eager"
    torch.manual_seed(0)
    model = VideoMAEForVideoClassification(config).eval()
    redraw(model, 1234)
    out_dir = os.path.join(ROOT, name)
    model.save_pretrained(out_dir)
    g = torch.Generator().manual_seed(99)
    pixels = torch.randn(batch, config.num_frames, 3, config.image_size, config.image_size, generator=g)
    labels = torch.randint(0, num_labels, (batch,), generator=g)
    out = model(pixel_values=pixels, labels=labels, output_hidden_states=True)
    hidden = model.videomae(pixels).last_hidden_state
    out.loss.backward()
    named = dict(model.named_parameters())
    chosen = [n for n in named if any(re.search(p, n) for p in GRAD_PATTERNS)]
    expected = {"pixel_values": pixels, "labels": labels, "logits": out.logits.detach(), "loss": out.loss.detach(),
                "last_hidden_state": hidden.detach()}
    for n in chosen:
        expected["grad." + file_name(n)] = named[n].grad.detach().clone()
    groups = [{"params": [p for n, p in named.items() if decays(n)], "weight_decay": WD},
              {"params": [p for n, p in named.items() if not decays(n)], "weight_decay": 0.0}]
    torch.optim.AdamW(groups, lr=LR, betas=(0.9, 0.999), eps=1e-8).step()
    for n in chosen:
        expected["after_step." + file_name(n)] = named[n].detach().clone()
    save_file({k: v.contiguous() for k, v in expected.items()}, os.path.join(out_dir, "expected.safetensors"))
    return {"kind": "classification", "lr": LR, "weight_decay": WD, "attn_implementation": "eager"}


def make_pretraining_case(name):
    config = VideoMAEConfig(image_size=32, patch_size=8, num_frames=4, tubelet_size=2, hidden_size=32, num_hidden_layers=2,
                            num_attention_heads=4, intermediate_size=64, use_mean_pooling=False, qv_bias=True,
                            decoder_hidden_size=16, decoder_num_hidden_layers=1, decoder_num_attention_heads=2,
                            decoder_intermediate_size=32, norm_pix_loss=True)
    torch.manual_seed(0)
    pre = VideoMAEForPreTraining(config).eval()
    redraw(pre, 4321)
    out_dir = os.path.join(ROOT, name)
    pre.save_pretrained(out_dir)
    clf, info = VideoMAEForVideoClassification.from_pretrained(out_dir, num_labels=3, output_loading_info=True,
                                                               attn_implementation="eager")
    clf.eval()
    g = torch.Generator().manual_seed(7)
    pixels = torch.randn(2, 4, 3, 32, 32, generator=g)
    with torch.no_grad():
        hidden = clf.videomae(pixels).last_hidden_state
    save_file({"pixel_values": pixels, "last_hidden_state": hidden.contiguous()}, os.path.join(out_dir, "expected.safetensors"))
    return {"kind": "pretraining", "num_labels": 3, "missing_keys": sorted(file_name(k) for k in info["missing_keys"]),
            "unexpected_keys": sorted(file_name(k) for k in info["unexpected_keys"])}


def main():
    os.makedirs(ROOT, exist_ok=True)
    torch.set_num_threads(1)
    for name, spec in CASES.items():
        info = make_classifier_case(name, spec)
        write_info(name, info)
    write_info("pretraining", make_pretraining_case("pretraining"))
    for name in list(CASES) + ["pretraining"]:
        size = sum(os.path.getsize(os.path.join(ROOT, name, f)) for f in os.listdir(os.path.join(ROOT, name)))
        print(f"{name}: {size / 1024:.0f} KB", file=sys.stderr)


def write_info(name, info):
    info.update({"transformers": transformers.__version__, "torch": torch.__version__})
    with open(os.path.join(ROOT, name, "case.json"), "w") as f:
        json.dump(info, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
