#!/usr/bin/env bash
# Runs the original workload side by side on this machine: the PyTorch original and the
# TorchSharp port from ANCHORS_DIR (default ../shared/anchors, run from there, never copied into
# this repository) and `mnist bench`, alternating, ROUNDS times each (default 3), then prints one
# table of medians and our ratios to the faster anchor. Installs what the anchors need (idempotent).
# Every timed run starts after COOLDOWN seconds of idle machine: measured here, a run started right
# after another heavy run was ~12% slower, which penalised whichever peer came next.
# The convnet section runs the classic convnet anchor (cnn-pytorch/cnn.py, PyTorch with oneDNN, 2 threads)
# beside `mnist bench --arch convnet` over CONV_EPOCHS epochs (15: the anchor's whole recipe, ~6 min a run).
# The optim section (not run by default) times Adam's step against a fused SGD step at batch 32: OPTIM_ROUNDS
# interleaved pairs of `mnist bench --optimizer sgd|adam --eval-every 0`, no anchor; the host's noise moves single
# runs by more than the goal's margin, so it reports the median of the pairs' ratios and the ratio of the minima.
#   bash bench/compare.sh [ANCHORS_DIR]        env: ROUNDS=3 WORK=/tmp/mnist-anchors BLAS=auto COOLDOWN=15
#                                                   SECTIONS="mlp convnet" CONV_EPOCHS=15 OPTIM_ROUNDS=10
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
anchors=$(cd "${1:-$repo/../shared/anchors}" && pwd)
rounds=${ROUNDS:-3}
work=${WORK:-/tmp/mnist-anchors}
blas=${BLAS:-auto}
cooldown=${COOLDOWN:-15}
sections=${SECTIONS:-mlp convnet}
conv_epochs=${CONV_EPOCHS:-15}
optim_rounds=${OPTIM_ROUNDS:-10}
mkdir -p "$work"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

echo "== installing what the anchors need" >&2
need=()
for p in python3-torch python3-numpy python3-matplotlib libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
bash "$repo/scripts/install-native.sh" >&2

echo "== data" >&2
dotnet build -c Release "$repo/src/Mnist.App" -v q -nologo >/dev/null
mnist="$repo/src/Mnist.App/bin/Release/net10.0/mnist.dll"
dotnet "$mnist" data fetch >&2
cache=${MNIST_DATA:-$HOME/.cache/mnist}
mkdir -p "$work/package"
ln -sfn "$cache" "$work/package/data"
[ -f "$work/nums.npz" ] || /usr/bin/python3 "$anchors/seed-pytorch/prepare.py" "$work/package/data" "$work/nums.npz" >&2

results="$work/results.jsonl"
: > "$results"
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [[ " $sections " == *" mlp "* ]]; then
echo "== TorchSharp anchor (build outside the repository)" >&2
if [ ! -f "$work/ts/bin/Release/net10.0/MnistTorchSharp.dll" ]; then
  rm -rf "$work/ts" && mkdir -p "$work/ts" && cp "$anchors/torchsharp/"* "$work/ts/"
  (cd "$work/ts" && dotnet build -c Release -v q -nologo >/dev/null)
fi
/usr/bin/python3 "$anchors/torchsharp/weaken_glibcxx_3_4_32.py" "$work/ts/bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so" >&2

for round in $(seq 1 "$rounds"); do
  echo "== round $round/$rounds" >&2
  sleep "$cooldown"
  line=$(cd "$work" && LD_LIBRARY_PATH=$openblas OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$anchors/seed-pytorch/seed.py" --data nums.npz --threads 1 --png "" --seed 0 --quiet | grep '^RESULT ')
  echo "{\"peer\": \"pytorch\", \"round\": $round, \"record\": ${line#RESULT }}" >> "$results"
  sleep "$cooldown"
  line=$(cd "$work" && LD_LIBRARY_PATH=$openblas OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$anchors/seed-pytorch/infer_bench.py" --data nums.npz --threads 1 | grep '^RESULT ')
  echo "{\"peer\": \"pytorch-infer\", \"round\": $round, \"record\": ${line#RESULT }}" >> "$results"
  for threads in 1 2; do
    sleep "$cooldown"
    out=$(dotnet "$work/ts/bin/Release/net10.0/MnistTorchSharp.dll" --data "$work/package/data" --seed 0 --threads $threads)
    printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, re, sys
text = sys.stdin.read()
r = dict(kv.split("=") for kv in re.search(r"^RESULT (.*)$", text, re.M).group(1).split())
batch = re.search(r"inference batch 10000 .*: median ([0-9.]+) ms", text)
single = re.search(r"inference single image .*: median ([0-9.]+) us", text)
r["infer_batch_ms"] = float(batch.group(1)) if batch else None
r["infer_single_us"] = float(single.group(1)) if single else None
print(json.dumps({"peer": "torchsharp-%s" % sys.argv[1], "round": int(sys.argv[2]), "record": r}))' "$threads" "$round" >> "$results"
  done
  sleep "$cooldown"
  line=$(dotnet "$mnist" bench --json --blas "$blas" | tail -n 1)
  echo "{\"peer\": \"mnist\", \"round\": $round, \"record\": $line}" >> "$results"
done

/usr/bin/python3 - "$results" "$(git -C "$repo" rev-parse --short HEAD)" "$cooldown" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(peer, key, scale=1.0):
    values = [float(r["record"][key]) * scale for r in rows if r["peer"] == peer and r["record"].get(key) not in (None, "")]
    return statistics.median(values) if values else float("nan")
peers = {
    "PyTorch 1.13 (OpenBLAS, 1 thread)": dict(step=med("pytorch", "t_train_s", 100.0), eval=med("pytorch", "t_eval_s"), loop=med("pytorch", "t_loop_s"),
        rss=med("pytorch", "peak_rss_mb"), acc=med("pytorch", "final_acc"),
        batch=statistics.median([r["record"]["batch10000"]["median_ms"] for r in rows if r["peer"] == "pytorch-infer"]),
        single=statistics.median([r["record"]["single"]["median_ms"] * 1000 for r in rows if r["peer"] == "pytorch-infer"])),
}
for t in ("1", "2"):
    p = "torchsharp-" + t
    peers[f"TorchSharp 0.107 ({t} thread{'s' if t == '2' else ''})"] = dict(step=med(p, "us_step"), eval=med(p, "eval_s"), loop=med(p, "loop_s"), rss=med(p, "hwm_mb"),
        acc=med(p, "acc"), batch=med(p, "infer_batch_ms"), single=med(p, "infer_single_us"))
ours = dict(step=med("mnist", "us_per_step"), eval=med("mnist", "eval_s"), loop=med("mnist", "loop_s"), rss=med("mnist", "peak_rss_mb"),
    acc=med("mnist", "final_accuracy"), batch=med("mnist", "infer_batch_ms"), single=med("mnist", "infer_single_us"))
blas = [r["record"]["blas"] for r in rows if r["peer"] == "mnist"]
print(f"commit {sys.argv[2]}, {len([r for r in rows if r['peer'] == 'mnist'])} rounds, medians, {sys.argv[3]} s idle before each run; mnist blas: {', '.join(sorted(set(blas)))}")
print(f"{'peer':36} {'µs/step':>8} {'eval s':>7} {'loop s':>7} {'RSS MB':>7} {'acc':>7} {'infer 10k ms':>12} {'infer 1 µs':>10}")
for name, v in list(peers.items()) + [("mnist bench (this repository)", ours)]:
    print(f"{name:36} {v['step']:8.1f} {v['eval']:7.2f} {v['loop']:7.2f} {v['rss']:7.1f} {v['acc']*100:6.2f}% {v['batch']:12.2f} {v['single']:10.1f}")
best = {k: min(p[k] for p in peers.values()) for k in ("step", "loop", "batch", "single")}
smallest_rss = min(p["rss"] for p in peers.values())
print()
print("ratios, ours / best anchor (target):")
print(f"  training step   {ours['step'] / best['step']:.3f}  (<= 0.25)   alloc/step: {med('mnist', 'alloc_bytes_per_step'):.0f} B (0)")
print(f"  whole loop      {ours['loop'] / best['loop']:.3f}  (<= 0.30)")
print(f"  peak RSS        {ours['rss'] / smallest_rss:.3f}  (<= 0.30)")
print(f"  infer 10,000    {ours['batch'] / best['batch']:.3f}  (<= 0.50)")
print(f"  infer 1 image   {ours['single'] / best['single']:.3f}  (<= 0.50)")
PY
fi

if [[ " $sections " == *" convnet "* ]]; then
conv="$work/convnet.jsonl"
: > "$conv"
steps=$(( (60000 + 127) / 128 * conv_epochs ))
for round in $(seq 1 "$rounds"); do
  echo "== convnet round $round/$rounds ($conv_epochs epochs)" >&2
  sleep "$cooldown"
  line=$(cd "$work" && /usr/bin/python3 "$anchors/cnn-pytorch/cnn.py" --data nums.npz --epochs "$conv_epochs" --threads 2 | grep '^RESULT ')
  echo "{\"peer\": \"cnn-pytorch\", \"round\": $round, \"record\": ${line#RESULT }}" >> "$conv"
  sleep "$cooldown"
  line=$(dotnet "$mnist" bench --arch convnet --steps "$steps" --json --blas "$blas" | tail -n 1)
  echo "{\"peer\": \"mnist\", \"round\": $round, \"record\": $line}" >> "$conv"
done

/usr/bin/python3 - "$conv" "$(git -C "$repo" rev-parse --short HEAD)" "$conv_epochs" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
anchor = [r["record"] for r in rows if r["peer"] == "cnn-pytorch"]
ours = [r["record"] for r in rows if r["peer"] == "mnist"]
med = statistics.median
a = dict(epoch=med(med(r["epoch_s"]) for r in anchor), acc=med(r["final_acc"] for r in anchor), rss=med(r["peak_rss_mb"] for r in anchor),
    batch=med(min(r["infer_batch_ms"], r["infer_chunked_ms"]) for r in anchor), single=med(r["infer_single_us"] for r in anchor))
o = dict(epoch=med(r["epoch_s"] for r in ours), acc=med(r["final_accuracy"] for r in ours), rss=med(r["peak_rss_mb"] for r in ours),
    batch=med(r["infer_batch_ms"] for r in ours), single=med(r["infer_single_us"] for r in ours))
print()
print(f"convnet, commit {sys.argv[2]}, {len(ours)} rounds of {sys.argv[3]} epochs, medians; mnist blas: {', '.join(sorted(set(r['blas'] for r in ours)))}")
print(f"{'peer':40} {'epoch s':>8} {'RSS MB':>7} {'acc':>7} {'infer 10k ms':>12} {'infer 1 µs':>10}")
for name, v in (("PyTorch 1.13 + oneDNN (2 threads)", a), ("mnist bench --arch convnet", o)):
    print(f"{name:40} {v['epoch']:8.2f} {v['rss']:7.1f} {v['acc']*100:6.2f}% {v['batch']:12.1f} {v['single']:10.1f}")
print()
print("ratios, ours / anchor (target):")
print(f"  epoch           {o['epoch'] / a['epoch']:.3f}  (<= 0.50)   alloc/step: {med(r['alloc_bytes_per_step'] for r in ours):.0f} B (0)")
print(f"  infer 10,000    {o['batch'] / a['batch']:.3f}  (<= 0.50, against the anchor's best of one call and calls of 500)")
print(f"  infer 1 image   {o['single'] / a['single']:.3f}  (<= 0.25)")
print(f"  peak RSS        {o['rss'] / a['rss']:.3f}  (<= 0.30)")
print(f"  accuracy        {o['acc']*100:.2f}% against {a['acc']*100:.2f}%  (>= 99.20% after 15 epochs; these are after {sys.argv[3]})")
PY
fi

if [[ " $sections " == *" optim "* ]]; then
optim="$work/optim.jsonl"
: > "$optim"
for round in $(seq 1 "$optim_rounds"); do
  echo "== optimizer round $round/$optim_rounds" >&2
  for o in sgd adam; do
    line=$(dotnet "$mnist" bench --optimizer "$o" --steps 4000 --eval-every 0 --json --blas "$blas" | tail -n 1)
    echo "{\"optimizer\": \"$o\", \"round\": $round, \"record\": $line}" >> "$optim"
  done
done

/usr/bin/python3 - "$optim" "$(git -C "$repo" rev-parse --short HEAD)" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
step = {o: [r["record"]["us_per_step"] for r in rows if r["optimizer"] == o] for o in ("sgd", "adam")}
ratios = [a / s for s, a in zip(step["sgd"], step["adam"])]
print()
print(f"optimizers at batch 32, commit {sys.argv[2]}, {len(ratios)} interleaved pairs (mnist bench --optimizer O --steps 4000 --eval-every 0)")
for o, v in step.items():
    print(f"  {o:5} µs/step  min {min(v):7.1f}  median {statistics.median(v):7.1f}")
print(f"  adam / sgd: median of the pairs {statistics.median(ratios):.3f}, ratio of the minima {min(step['adam']) / min(step['sgd']):.3f}  (<= 1.30)")
print(f"  alloc/step: {max(r['record']['alloc_bytes_per_step'] for r in rows):.0f} B (0)")
PY
fi
