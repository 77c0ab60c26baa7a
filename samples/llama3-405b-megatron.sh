# Llama 3.1 405B pretraining launched with Megatron-LM on 2,048 nodes of 8 H100s: the layout of
# samples/llama3-405b-pretrain.yaml written by hand as a launch line. `augur import` reads it back:
#   augur import samples/llama3-405b-megatron.sh --from megatron --hardware h100-sxm --model llama3.1-405b
torchrun --nnodes 2048 --nproc-per-node 8 pretrain_gpt.py \
  --tensor-model-parallel-size 8 \
  --pipeline-model-parallel-size 16 \
  --num-virtual-stages-per-pipeline-rank 4 \
  --account-for-embedding-in-pipeline-split \
  --account-for-loss-in-pipeline-split \
  --context-parallel-size 2 \
  --sequence-parallel \
  --micro-batch-size 1 \
  --global-batch-size 2048 \
  --seq-length 8192 \
  --train-samples 1904296875 \
  --bf16 \
  --use-distributed-optimizer \
  --overlap-grad-reduce \
  --overlap-param-gather \
  --num-layers 126 --hidden-size 16384 --num-attention-heads 128 --group-query-attention --num-query-groups 8 \
  --ffn-hidden-size 53248 --lr 8e-5 --data-path /data/llama3-corpus
