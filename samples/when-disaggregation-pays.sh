#!/bin/bash
# When does disaggregation pay? Plans Llama 3.1 70B FP8 on 16 H100s for each prompt length and TPOT limit and
# prints the best aggregated and the best disaggregated deployment as a Markdown table. Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/best.py" <<'PY'
import json, sys
input_tokens, tpot = sys.argv[1], sys.argv[2]
d = json.load(sys.stdin)
best = {}
for r in d["ranked"]:
    if r["mode"] not in best or r["output_tokens_per_s_per_gpu"] > best[r["mode"]]["output_tokens_per_s_per_gpu"]:
        best[r["mode"]] = r
def layout(r):
    l = r["layout"]
    return f"tp{l['tp']}" + (f" pp{l['pp']}" if l["pp"] > 1 else "")
a, g = best.get("aggregated"), best.get("disaggregated")
fa = f"{a['output_tokens_per_s_per_gpu']:.0f} ({layout(a)}, batch {a['batch']})" if a else "none meets it"
fg = (f"{g['output_tokens_per_s_per_gpu']:.0f} ({g['prefill_decode_gpus'][0]}:{g['prefill_decode_gpus'][1]}, {layout(g)}, batch {g['batch']})"
      if g else "none meets it")
gain = f"{(g['output_tokens_per_s_per_gpu'] / a['output_tokens_per_s_per_gpu'] - 1) * 100:+.0f}%" if a and g else "-"
limit = "none" if tpot == "none" else f"{tpot} ms"
print(f"| {input_tokens} | {limit} | {fa} | {fg} | {gain} |")
PY
echo "| input tokens | TPOT limit | best aggregated tok/s/GPU (layout, batch per replica) | best disaggregated tok/s/GPU (P:D GPUs, layout, batch per replica) | disaggregated gain |"
echo "|---|---|---|---|---|"
for input in 500 2000 8000; do
  for tpot in none 50 30 20; do
    limit=""; [ "$tpot" != none ] && limit=", tpot_ms: $tpot"
    cat > "$tmp/s.yaml" <<Y
workload: inference
model: llama3.1-70b
hardware: h100-sxm
cluster: {gpus: 16}
precision: fp8
inference: {input_tokens: $input, output_tokens: 500, kv_precision: fp8$limit}
Y
    dotnet run --project src/Augur.Cli -c Release --no-build -- plan "$tmp/s.yaml" --json --top 200 | python3 "$tmp/best.py" "$input" "$tpot"
  done
done
