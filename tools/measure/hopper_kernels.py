"""Measure achievable GEMM, attention and memory-copy rates on one NVIDIA GPU through PyTorch.

Run on the lent device machine: `python3 tools/measure/hopper_kernels.py OUTDIR`.
Writes env.json, gemm.csv, memory.csv, attention.csv and sustained.csv to OUTDIR.

Method (tools/measure/README.md says more):
- random inputs (never zeros), warm-up before timing, CUDA events around CUDA-graph replays;
- GEMMs are y = x @ W^T (nn.Linear convention); weights rotate over enough copies to be
  at least 4x the L2 cache, so small-M GEMMs stream their weights from HBM as in decode;
- each time is the median of 5 replays of a graph holding `reps` launches;
- the card is measured as found: no clock, power or mode is changed.
"""
import csv, json, math, os, sys, time, statistics
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else "."
dev = torch.device("cuda")
props = torch.cuda.get_device_properties(0)
L2 = getattr(props, "L2_cache_size", 50 * 2**20)
torch.backends.cuda.matmul.allow_tf32 = False


def log(*a):
    print(*a, flush=True)


def replay_seconds(fn, reps, replays=5):
    """Capture `reps` calls of fn(i) in one CUDA graph; return median seconds per call."""
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for i in range(3):
            fn(i)
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for i in range(reps):
            fn(i)
    g.replay()
    torch.cuda.synchronize()
    times = []
    for _ in range(replays):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); b.synchronize()
        times.append(a.elapsed_time(b) / 1e3 / reps)
    del g
    return statistics.median(times), (max(times) - min(times)) / statistics.median(times)


def event_seconds(fn, min_time=0.05, max_reps=200):
    """Plain event timing for long kernels (attention); median over individual calls."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    t0 = time.time()
    while len(times) < 5 or (sum(times) < min_time and len(times) < max_reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); b.synchronize()
        times.append(a.elapsed_time(b) / 1e3)
        if time.time() - t0 > 5:
            break
    return statistics.median(times)


def env():
    info = {
        "device": props.name, "sm_count": props.multi_processor_count,
        "l2_bytes": L2, "memory_bytes": props.total_memory,
        "torch": torch.__version__, "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    try:
        import pynvml as n
        n.nvmlInit(); h = n.nvmlDeviceGetHandleByIndex(0)
        info["driver"] = n.nvmlSystemGetDriverVersion()
        info["power_limit_w"] = n.nvmlDeviceGetEnforcedPowerLimit(h) / 1000
        info["max_sm_clock_mhz"] = n.nvmlDeviceGetMaxClockInfo(h, n.NVML_CLOCK_SM)
        info["max_mem_clock_mhz"] = n.nvmlDeviceGetMaxClockInfo(h, n.NVML_CLOCK_MEM)
    except Exception as e:  # noqa: BLE001
        info["nvml_error"] = repr(e)
    return info


def nvml_sample():
    try:
        import pynvml as n
        h = n.nvmlDeviceGetHandleByIndex(0)
        return (n.nvmlDeviceGetPowerUsage(h) / 1000, n.nvmlDeviceGetClockInfo(h, n.NVML_CLOCK_SM),
                n.nvmlDeviceGetTemperature(h, n.NVML_TEMPERATURE_GPU))
    except Exception:  # noqa: BLE001
        return (float("nan"),) * 3


GEMM_NK = [  # (N, K, what it is)
    (1280, 8192, "llama3-70b qkv tp8"),
    (8192, 1024, "llama3-70b o-proj tp8"),
    (7168, 8192, "llama3-70b gate+up tp8"),
    (8192, 3584, "llama3-70b down tp8"),
    (4096, 7168, "deepseek-v3 expert gate+up"),
    (7168, 2048, "deepseek-v3 expert down"),
    (8192, 8192, "square 8k"),
    (13312, 16384, "llama3-405b gate+up tp8"),
    (16384, 6656, "llama3-405b down tp8"),
]
GEMM_M = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]


def gemm_rows():
    rows = []
    for prec in ("bf16", "fp8"):
        for n, k, what in GEMM_NK:
            esz = 2 if prec == "bf16" else 1
            wbytes = n * k * esz
            copies = max(1, min(16, math.ceil(4 * L2 / wbytes)))
            if prec == "bf16":
                ws = [torch.randn(n, k, device=dev, dtype=torch.bfloat16) for _ in range(copies)]
            else:
                ws = [torch.randn(n, k, device=dev).to(torch.float8_e4m3fn) for _ in range(copies)]
                one = torch.tensor(1.0, device=dev)
            for m in GEMM_M:
                if prec == "fp8" and m < 16:
                    continue
                try:
                    if prec == "bf16":
                        x = torch.randn(m, k, device=dev, dtype=torch.bfloat16)
                        fn = lambda i, x=x: torch.mm(x, ws[i % copies].t())
                    else:
                        x = torch.randn(m, k, device=dev).to(torch.float8_e4m3fn)
                        fn = lambda i, x=x: torch._scaled_mm(x, ws[i % copies].t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
                    flops = 2.0 * m * n * k
                    moved = wbytes + m * k * esz + m * n * 2
                    est = max(flops / 600e12, moved / 3.5e12) + 4e-6
                    reps = max(4, min(400, int(4e-3 / est)))
                    t, spread = replay_seconds(fn, reps)
                    rows.append(dict(precision=prec, m=m, n=n, k=k, shape=what, seconds=t,
                                     tflops=flops / t / 1e12, gbps=moved / t / 1e9, spread=spread, reps=reps))
                    del x
                except Exception as e:  # noqa: BLE001
                    rows.append(dict(precision=prec, m=m, n=n, k=k, shape=what, seconds=float("nan"),
                                     tflops=float("nan"), gbps=float("nan"), spread=float("nan"), reps=0, error=repr(e)[:200]))
                    log("gemm error", prec, m, n, k, repr(e)[:200])
            del ws
            torch.cuda.empty_cache()
            log(f"gemm {prec} {what}: " + " ".join(f"{r['m']}:{r['tflops']:.0f}" for r in rows if r['precision'] == prec and r['n'] == n and r['k'] == k))
    # Grouped expert GEMMs: E experts each with m tokens (batched matmul), DeepSeek-V3 expert shapes.
    for e_count in (8, 32):
        for n, k, what in GEMM_NK[4:6]:
            rows += bmm_rows(e_count, n, k, what, (16, 64, 128, 256, 512, 1024, 4096))
    # Small-expert MoE shapes (many experts, narrow FFN): Qwen3-30B-A3B's 128 experts (d 2048, FFN 768) on one GPU,
    # Qwen3-235B-A22B's 16 experts per GPU at EP8 (d 4096, FFN 1536), and Mixtral 8x7B's 8 wide experts.
    small = [(128, 1536, 2048, "qwen3-30b-a3b expert gate+up"), (128, 2048, 768, "qwen3-30b-a3b expert down"),
             (16, 3072, 4096, "qwen3-235b expert gate+up"), (16, 4096, 1536, "qwen3-235b expert down"),
             (8, 28672, 4096, "mixtral-8x7b expert gate+up"), (8, 4096, 14336, "mixtral-8x7b expert down")]
    for e_count, n, k, what in small:
        new = bmm_rows(e_count, n, k, what, (1, 4, 16, 64, 256, 1024))
        rows += new
        log(f"bmm {what} x{e_count}: " + " ".join(f"{r['m']}:{r['tflops']:.0f}/{r['gbps']:.0f}" for r in new))
    return rows


def bmm_rows(e_count, n, k, what, ms):
    """E experts of an n x k weight, each multiplying m tokens (torch.bmm, BF16), for each m."""
    rows = []
    ws = torch.randn(e_count, n, k, device=dev, dtype=torch.bfloat16)
    for m in ms:
        x = torch.randn(e_count, m, k, device=dev, dtype=torch.bfloat16)
        fn = lambda i, x=x: torch.bmm(x, ws.transpose(1, 2))
        flops = 2.0 * e_count * m * n * k
        moved = e_count * (n * k + m * k + m * n) * 2
        est = max(flops / 600e12, moved / 3.5e12) + 4e-6
        reps = max(4, min(400, int(4e-3 / est)))
        t, spread = replay_seconds(fn, reps)
        rows.append(dict(precision="bf16", m=m, n=n, k=k, shape=f"{what} x{e_count} experts (bmm)", seconds=t,
                         tflops=flops / t / 1e12, gbps=moved / t / 1e9, spread=spread, reps=reps))
    del ws
    return rows


def memory_rows():
    rows = []
    for p in range(20, 32):
        size = 2 ** p
        copies = max(1, min(32, math.ceil(4 * L2 / size)))
        src = [torch.empty(size // 2, device=dev, dtype=torch.bfloat16).normal_() for _ in range(copies)]
        dst = [torch.empty(size // 2, device=dev, dtype=torch.bfloat16) for _ in range(copies)]
        fn = lambda i: dst[i % copies].copy_(src[i % copies])
        est = 2 * size / 3.5e12 + 3e-6
        reps = max(4, min(400, int(4e-3 / est)))
        t, spread = replay_seconds(fn, reps)
        rows.append(dict(kind="copy", bytes=size, seconds=t, gbps_read_plus_write=2 * size / t / 1e9, spread=spread))
        if size >= 2 ** 26:
            tp = event_seconds(lambda: dst[0].copy_(src[0]))
            rows.append(dict(kind="copy-ungraphed", bytes=size, seconds=tp, gbps_read_plus_write=2 * size / tp / 1e9, spread=float("nan")))
        del src, dst
    torch.cuda.empty_cache()
    log("copy GB/s: " + " ".join(f"{r['bytes'] >> 20}MiB:{r['gbps_read_plus_write']:.0f}" for r in rows))
    return rows


def attention_rows():
    from torch.nn.attention import sdpa_kernel, SDPBackend
    import torch.nn.functional as F
    rows = []
    # (batch, heads, tokens, query/key width, value width): MHA/GQA-style shapes at head dim 128, then the MLA
    # prefill shape (DeepSeek-V3: 128 heads, query/key 192 = 128 + 64 rotary, value 128).
    prefill = [(16, 16, 1024, 128, 128), (8, 16, 2048, 128, 128), (4, 16, 4096, 128, 128), (1, 16, 16384, 128, 128),
               (2, 64, 4096, 128, 128), (1, 64, 8192, 128, 128),
               (4, 128, 1024, 192, 128), (2, 128, 2048, 192, 128), (1, 128, 4096, 192, 128), (1, 128, 8192, 192, 128)]
    for backend in (SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION):
        for b, h, s, dqk, dv in prefill:
            try:
                q = torch.randn(b, h, s, dqk, device=dev, dtype=torch.bfloat16, requires_grad=True)
                k = torch.randn(b, h, s, dqk, device=dev, dtype=torch.bfloat16, requires_grad=True)
                v = torch.randn(b, h, s, dv, device=dev, dtype=torch.bfloat16, requires_grad=True)
                go = torch.randn(b, h, s, dv, device=dev, dtype=torch.bfloat16)
                with sdpa_kernel([backend]):
                    fwd = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True)
                    tf = event_seconds(fwd)
                    def fb():
                        o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
                        o.backward(go)
                    tfb = event_seconds(fb)
                flops = b * h * s * s * (dqk + dv)  # causal: 2·b·h·s²·(dqk + dv) / 2
                rows.append(dict(phase="prefill", backend=backend.name, batch=b, heads=h, kv_heads=h, q_len=s, kv_len=s, head_dim=dqk, v_dim=dv,
                                 fwd_seconds=tf, fwd_tflops=flops / tf / 1e12,
                                 fwd_bwd_seconds=tfb, fwd_bwd_tflops=3.5 * flops / tfb / 1e12, kv_gbps=float("nan")))
                del q, k, v, go
            except Exception as e:  # noqa: BLE001  (FlashAttention-2 refuses unequal widths)
                log("attention error", backend.name, b, h, s, dqk, dv, repr(e)[:200])
        log("prefill " + backend.name + ": " + " ".join(f"{r['q_len']}x{r['heads']}:{r['fwd_tflops']:.0f}/{r['fwd_bwd_tflops']:.0f}" for r in rows if r['backend'] == backend.name))
    torch.cuda.empty_cache()
    # Chunks: q new queries attending all kv keys with no mask, the core of a prefill over a cached prefix or of a
    # chunked prefill's later chunks (SDPA's causal mask aligns top-left when q != kv, so the prefix-shaped
    # lower-right mask is not available on cuDNN; a chunk of q rows over P + q/2 keys does the same work).
    # cuDNN only: it is the backend the prefill rows above are compared on. MHA 128/128 and MLA 192/128.
    chunks = [(8, 16, 512, 2048, 128, 128), (4, 16, 1024, 4096, 128, 128), (2, 16, 2048, 8192, 128, 128), (1, 16, 4096, 16384, 128, 128),
              (16, 16, 256, 4096, 128, 128), (4, 16, 512, 16384, 128, 128), (1, 64, 2048, 8192, 128, 128),
              (4, 128, 512, 2048, 192, 128), (2, 128, 1024, 4096, 192, 128), (1, 128, 2048, 8192, 192, 128), (1, 128, 512, 16384, 192, 128)]
    with sdpa_kernel([SDPBackend.CUDNN_ATTENTION]):
        for b, h, s, kvlen, dqk, dv in chunks:
            try:
                q = torch.randn(b, h, s, dqk, device=dev, dtype=torch.bfloat16)
                k = torch.randn(b, h, kvlen, dqk, device=dev, dtype=torch.bfloat16)
                v = torch.randn(b, h, kvlen, dv, device=dev, dtype=torch.bfloat16)
                tf = event_seconds(lambda: F.scaled_dot_product_attention(q, k, v))
                flops = 2.0 * b * h * s * kvlen * (dqk + dv)
                rows.append(dict(phase="chunk", backend="CUDNN_ATTENTION", batch=b, heads=h, kv_heads=h, q_len=s, kv_len=kvlen, head_dim=dqk, v_dim=dv,
                                 fwd_seconds=tf, fwd_tflops=flops / tf / 1e12, fwd_bwd_seconds=float("nan"), fwd_bwd_tflops=float("nan"), kv_gbps=float("nan")))
                del q, k, v
            except Exception as e:  # noqa: BLE001
                log("chunk attention error", b, h, s, kvlen, dqk, dv, repr(e)[:200])
    log("chunk CUDNN: " + " ".join(f"{r['q_len']}/{r['kv_len']}x{r['heads']}:{r['fwd_tflops']:.0f}" for r in rows if r['phase'] == 'chunk'))
    torch.cuda.empty_cache()
    # Decode: one query token per sequence against a long KV cache (GQA 64 query heads over 8 KV heads).
    for backend in (None, SDPBackend.FLASH_ATTENTION):
        for b, L in [(1, 8192), (16, 4096), (64, 4096), (16, 32768), (128, 2048), (256, 1024), (32, 8192), (4, 65536)]:
            hq, hk, d = 64, 8, 128
            try:
                q = torch.randn(b, hq, 1, d, device=dev, dtype=torch.bfloat16)
                copies = max(1, min(8, math.ceil(4 * L2 / (2 * b * hk * L * d * 2))))
                kv = [(torch.randn(b, hk, L, d, device=dev, dtype=torch.bfloat16), torch.randn(b, hk, L, d, device=dev, dtype=torch.bfloat16)) for _ in range(copies)]
                def dec(i):
                    k, v = kv[i % copies]
                    return F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
                if backend is None:
                    t, _ = replay_seconds(dec, 50)
                else:
                    with sdpa_kernel([backend]):
                        t, _ = replay_seconds(dec, 50)
                kvb = 2.0 * b * hk * L * d * 2
                flops = 4.0 * b * hq * L * d
                rows.append(dict(phase="decode", backend=backend.name if backend else "default", batch=b, heads=hq, kv_heads=hk, q_len=1, kv_len=L, head_dim=d, v_dim=d,
                                 fwd_seconds=t, fwd_tflops=flops / t / 1e12, fwd_bwd_seconds=float("nan"), fwd_bwd_tflops=float("nan"), kv_gbps=kvb / t / 1e9))
                del kv, q
            except Exception as e:  # noqa: BLE001
                log("decode attention error", backend, b, L, repr(e)[:200])
        torch.cuda.empty_cache()
    log("decode KV GB/s: " + " ".join(f"{r['backend']}:{r['batch']}x{r['kv_len']}:{r['kv_gbps']:.0f}" for r in rows if r['phase'] == 'decode'))
    return rows


def sustained_rows(seconds=12.0):
    n = 8192
    rows = []
    for prec in ("bf16", "fp8"):
        a = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
        b = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
        if prec == "bf16":
            mm = lambda: torch.mm(a, b.t())
        else:
            a8, b8, one = a.to(torch.float8_e4m3fn), b.to(torch.float8_e4m3fn), torch.tensor(1.0, device=dev)
            mm = lambda: torch._scaled_mm(a8, b8.t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
        for _ in range(3):
            mm()
        torch.cuda.synchronize()
        chunk, t0 = 50 if prec == "bf16" else 100, time.time()
        while time.time() - t0 < seconds:
            e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            e0.record()
            for _ in range(chunk):
                mm()
            e1.record(); e1.synchronize()
            t = e0.elapsed_time(e1) / 1e3
            p, clk, temp = nvml_sample()
            rows.append(dict(precision=prec, elapsed_s=time.time() - t0, tflops=chunk * 2.0 * n ** 3 / t / 1e12, power_w=p, sm_clock_mhz=clk, temp_c=temp))
        last = [r for r in rows if r["precision"] == prec]
        log("sustained %s 8192^3: first %.0f, last %.0f TFLOP/s, power %.0f W, clock %s MHz" % (prec, last[0]["tflops"], last[-1]["tflops"], last[-1]["power_w"], last[-1]["sm_clock_mhz"]))
        # A card that stays near its idle clock under full load is throttled (seen once: 345 MHz at 215 W); its
        # tables describe that card's state, not the chip, and must not be used as calibration data.
        clocks = sorted(r["sm_clock_mhz"] for r in last if r["sm_clock_mhz"] == r["sm_clock_mhz"])
        max_clock = env().get("max_sm_clock_mhz")
        if clocks and max_clock and clocks[len(clocks) // 2] < 0.5 * max_clock:
            log("WARNING: SM clock %s MHz under load is under half the %s MHz maximum: the card is throttled; do not use these tables" % (clocks[len(clocks) // 2], max_clock))
    return rows


def write(name, rows):
    if not rows:
        return
    keys = []
    for r in rows:
        for k in r:
            if k not in keys:
                keys.append(k)
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    info = env()
    with open(os.path.join(OUT, "env.json"), "w") as f:
        json.dump(info, f, indent=2)
    log(json.dumps(info))
    for name, fn in (("memory.csv", memory_rows), ("gemm.csv", gemm_rows), ("attention.csv", attention_rows), ("sustained.csv", sustained_rows)):
        t0 = time.time()
        try:
            write(name, fn())
        except Exception as e:  # noqa: BLE001
            log("section failed", name, repr(e)[:300])
        log(f"{name} took {time.time() - t0:.1f} s")
    info["finished_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    info["final_nvml"] = nvml_sample()
    with open(os.path.join(OUT, "env.json"), "w") as f:
        json.dump(info, f, indent=2)
