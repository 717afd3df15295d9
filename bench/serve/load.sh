#!/usr/bin/env bash
# Load on `mnist serve` over loopback with wrk (Debian's): a test digit as PNG to /api/predict at 1, 8 and 64
# connections, 10 s each, for each model given (default: the newest run).
#   bash bench/serve/load.sh [MODEL.npz ...]        env: DURATION=10s THREADS=2
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
mnist="$repo/src/Mnist.App/bin/Release/net10.0/mnist.dll"
[ -f "$mnist" ] || dotnet build -c Release "$repo/src/Mnist.App" -v q -nologo >/dev/null
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/digit.png" <<'PY'
import os, struct, sys, zlib
cache = os.environ.get("MNIST_DATA", os.path.expanduser("~/.cache/mnist"))
data = open(os.path.join(cache, "t10k-images-idx3-ubyte"), "rb").read()[16:16 + 784]
raw = b"".join(b"\0" + data[r * 28:(r + 1) * 28] for r in range(28))
chunk = lambda t, b: struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
models=()
for m in "$@"; do models+=(--model "$m"); done
port=5099
dotnet "$mnist" serve "${models[@]}" --port $port > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q "^open " "$work/serve.log" 2>/dev/null && break; sleep 0.2; done
cat "$work/serve.log"
DIGIT_PNG="$work/digit.png" wrk -t1 -c1 -d2s -s "$repo/bench/serve/predict.lua" "http://127.0.0.1:$port/api/predict" >/dev/null # warm-up
for connections in 1 8 64; do
  threads=$(( connections < ${THREADS:-2} ? connections : ${THREADS:-2} ))
  line=$(DIGIT_PNG="$work/digit.png" wrk -t"$threads" -c"$connections" -d"${DURATION:-10s}" -s "$repo/bench/serve/predict.lua" "http://127.0.0.1:$port/api/predict" | grep '^RESULT')
  echo "connections=$connections ${line#RESULT }"
done
