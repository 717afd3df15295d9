#!/usr/bin/env bash
# Installs the optional native parts on Debian 12 (idempotent; needs root or sudo):
#   libmkl-rt            Intel MKL (non-free component)   -> backend "mkl"
#   libopenblas0-pthread OpenBLAS                         -> backend "openblas"
#   fonts-dejavu-core    the font the charts and the prediction grid are drawn with
#   fonts-noto-cjk       the Chinese labels (mnist grid --lang zh, the page in Chinese)
# Without them mnist still works: the "simd" backend needs nothing, and the tests that need a
# native library are skipped with the reason.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
packages=(libmkl-rt libopenblas0-pthread fonts-dejavu-core fonts-noto-cjk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "== native libraries: already installed (${packages[*]})"
  exit 0
fi
if ! grep -rqsE '(^|[[:space:]])non-free([[:space:]]|$)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "== enabling Debian's non-free component (for libmkl-rt)"
  $SUDO tee /etc/apt/sources.list.d/mnist-non-free.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
echo "== installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
