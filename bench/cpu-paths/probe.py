"""Per-op probe behind the per-CPU kernel choice (native/core/model/cpu_gemm.h), on the same torch
build the addon links: VideoMAE-base's dense-layer products in each library that could run them
(MKL's sgemm behind torch.addmm, what transformers' nn.Linear runs; oneDNN's matmul plain and with
packed weights), forward and both gradients; bf16 products through libtorch's addmm, oneDNN's bf16
kernels (where the CPU has them) and float32 products of the bf16-rounded operands; the ops both
stacks share (SDPA forward+backward, LayerNorm, GELU); AdamW over videomae-base's parameter count,
fused (ours) and torch.optim.AdamW's default on CPU (transformers). Best of interleaved repetitions.
  python probe.py [--reps N] [--threads T]  → one JSON object on stdout
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

SHAPES = [("qkv", 1568, 768, 2304), ("attention output", 1568, 768, 768), ("fc1", 1568, 768, 3072), ("fc2", 1568, 3072, 768), ("patch embedding", 1568, 1536, 768)]


def best_of(cases, reps):
    """Times each case `reps` times, round-robin (so all see the same machine load); best time in ms."""
    for f in cases.values():
        f()
    best = {k: float("inf") for k in cases}
    for _ in range(reps):
        for k, f in cases.items():
            start = time.perf_counter()
            f()
            best[k] = min(best[k], time.perf_counter() - start)
    return {k: v * 1000 for k, v in best.items()}


def gemm_cases(m, k, n, onednn_bf16):
    lp = torch.ops.mkldnn._linear_pointwise
    x, w, b, g = torch.randn(m, k), torch.randn(n, k), torch.randn(n), torch.randn(m, n)
    packed = torch.ops.mkldnn._reorder_linear_weight(w, m)
    xh, wh, bh = x.bfloat16(), w.bfloat16(), b.bfloat16()
    wide = wh.float()
    cases = {
        "fp32 forward mkl": lambda: torch.addmm(b, x, w.t()),
        "fp32 forward onednn": lambda: lp(x, w, b, "none", [], None),
        "fp32 forward onednn packed": lambda: lp(x, packed, b, "none", [], None),
        "fp32 grad input mkl": lambda: torch.mm(g, w),
        "fp32 grad input onednn": lambda: lp(g, w.t(), None, "none", [], None),
        "fp32 grad weight mkl": lambda: torch.mm(g.t(), x),
        "bf16 forward libtorch": lambda: torch.addmm(bh, xh, wh.t()),
        "bf16 forward as fp32": lambda: torch.addmm(bh.float(), xh.float(), wide.t()).bfloat16(),
    }
    if onednn_bf16:
        packed_h = torch.ops.mkldnn._reorder_linear_weight(wh, m)
        cases["bf16 forward onednn packed"] = lambda: lp(xh, packed_h, bh, "none", [], None)
    return cases


def shared_ops(reps):
    q = torch.randn(1, 12, 1568, 64, requires_grad=True)
    go = torch.randn(1, 12, 1568, 64)
    h, i = torch.randn(1568, 768), torch.randn(1568, 3072)
    ln_w, ln_b = torch.ones(768), torch.zeros(768)

    def sdpa():
        out = F.scaled_dot_product_attention(q, q, q)
        out.backward(go)

    times = best_of({"sdpa fwd+bwd": sdpa, "layernorm": lambda: F.layer_norm(h, (768,), ln_w, ln_b, 1e-12), "gelu": lambda: F.gelu(i)}, reps)
    flops = {"sdpa fwd+bwd": 3.5 * 4 * 1568 * 1568 * 64 * 12}  # forward 2 GEMMs, backward 5 (2.5x)
    return times, flops


def adamw(reps):
    params = [torch.zeros(768, 768, requires_grad=True) for _ in range(146)]  # 86.1M parameters, videomae-base's count
    for p in params:
        p.grad = torch.randn_like(p)
    fused = torch.optim.AdamW(params, lr=1e-5, fused=True)
    default = torch.optim.AdamW(params, lr=1e-5)
    return best_of({"adamw fused (videomae)": fused.step, "adamw default (transformers)": default.step}, max(2, reps // 3))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    onednn_bf16 = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    gemms = []
    for name, m, k, n in SHAPES:
        times = best_of(gemm_cases(m, k, n, onednn_bf16), args.reps)
        gemms.append({"shape": name, "m": m, "k": k, "n": n, "ms": times, "gflops": {c: 2 * m * k * n / t / 1e6 for c, t in times.items()}})
    shared, flops = shared_ops(args.reps)
    result = {
        "torch": torch.__version__,
        "threads": args.threads,
        "cpuCapability": torch.backends.cpu.get_cpu_capability(),
        "onednnBf16": onednn_bf16,
        "gemms": gemms,
        "shared": {"ms": shared, "gflops": {k: f / shared[k] / 1e6 for k, f in flops.items()}},
        "optimizer": {"ms": adamw(args.reps)},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
