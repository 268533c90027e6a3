# Shared by scripts/run and scripts/test: install what is missing, configure, build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTNSCOPE_BUILD_DIR:-$ROOT/build}"

# Debian 12 packages for building and running everything, testing the GUI under Xvfb,
# driving it with synthetic input (xdotool), reading exported PDFs back, checking the installed
# desktop entry and man page, and the matplotlib comparison benchmark.
PACKAGES=(
  build-essential cmake pkg-config
  libeigen3-dev libtorch-dev libopenblas0-pthread
  libimgui-dev libglfw3-dev libstb-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libcairo2-dev libgif-dev libpng-dev
  libgtest-dev libbenchmark-dev fonts-dejavu-core
  xvfb xauth xdotool libgl1-mesa-dri poppler-utils librsvg2-bin desktop-file-utils groff-base python3-matplotlib jq
)

install_missing_packages() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "attnscope: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ATTNSCOPE_WERROR=ON (set by scripts/test, and by CI) builds with warnings as errors.
build_attnscope() {
  local args=(-DCMAKE_BUILD_TYPE=Release)
  [ -n "${ATTNSCOPE_WERROR:-}" ] && args+=(-DATTNSCOPE_WERROR="$ATTNSCOPE_WERROR")
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] || [ -n "${ATTNSCOPE_WERROR:-}" ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" "${args[@]}"
  fi
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}
