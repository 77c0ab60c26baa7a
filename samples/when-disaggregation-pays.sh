#!/bin/bash
# When does disaggregation pay? Llama 3.1 70B FP8 on 16 H100s, best aggregated vs best disaggregated per (input, TPOT limit).
cd "$(dirname "$0")/.."
tmp=$(mktemp --suffix=.yaml)
printf "| input tokens | TPOT limit | best aggregated tok/s/GPU | best disaggregated tok/s/GPU (P:D GPUs) | disaggregated gain |\n|---|---|---|---|---|\n"
for input in 500 2000 8000; do for tpot in none 50 30 20; do
  lim=""; [ "$tpot" != none ] && lim=", tpot_ms: $tpot"
  cat > "$tmp" <<Y
workload: inference
model: llama3.1-70b
hardware: h100-sxm
cluster: {gpus: 16}
precision: fp8
inference: {input_tokens: $input, output_tokens: 500, kv_precision: fp8$lim}
Y
  dotnet run --project src/Augur.Cli -c Release --no-build -- plan "$tmp" --json --top 200 | python3 -c "
import json,sys; d=json.load(sys.stdin)
best={}
for r in d['ranked']:
  m=r['mode']
  if m not in best or r['output_tokens_per_s_per_gpu']>best[m]['output_tokens_per_s_per_gpu']: best[m]=r
a=best.get('aggregated'); g=best.get('disaggregated')
fa=f\"{a['output_tokens_per_s_per_gpu']:.0f} (tp{a['layout']['tp']}, batch {a['batch']})\" if a else 'none meets it'
fg=f\"{g['output_tokens_per_s_per_gpu']:.0f} ({g['prefill_decode_gpus'][0]}:{g['prefill_decode_gpus'][1]}, tp{g['layout']['tp']}, batch {g['batch']})\" if g else 'none meets it'
gain=f\"{(g['output_tokens_per_s_per_gpu']/a['output_tokens_per_s_per_gpu']-1)*100:+.0f}%\" if a and g else '-'
print(f'| $input | ${tpot} ms | {fa} | {fg} | {gain} |'.replace('none ms','none'))
"
done; done
