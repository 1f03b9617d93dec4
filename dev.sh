#!/usr/bin/env bash
# procshare's set-up and everyday commands. On a fresh Debian 12 machine (as
# root, or with sudo) each command installs what it needs first:
#
#   ./dev.sh demo    build procshare and run it on examples/worker_pool.c
#   ./dev.sh test    build everything and run the whole test suite
#   ./dev.sh build   just build (into ./build, or $PROCSHARE_BUILD_DIR)
#   ./dev.sh package build procshare_<version>_amd64.deb (into $BUILD/package)
#   ./dev.sh install apt-get update && apt-get install -y the packages (CI)
#
# The last line of `test` is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
BUILD=${PROCSHARE_BUILD_DIR:-build}
LLVM=/usr/lib/llvm-19

PACKAGES=(
  cmake ninja-build python3 git pre-commit libc6-dev libstdc++-12-dev
  llvm-19-dev libclang-19-dev clang-19 clang-tidy-19 clangd-19 llvm-19-tools
  nlohmann-json3-dev libgrpc++-dev libprotobuf-dev libabsl-dev
  go-md2man dpkg-dev python3-jsonschema
)

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@"
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  apt_install "${missing[@]}"
}

build() {
  install_packages
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$BUILD" --target procshare-test-deps
}

case "${1:-}" in
  install)
    apt_install "${PACKAGES[@]}"
    ;;
  build)
    build
    ;;
  package)
    build
    cmake --build "$BUILD"
    mkdir -p "$BUILD/package"
    (cd "$BUILD/package" && cpack --config ../CPackConfig.cmake -B .)
    ls "$BUILD"/package/procshare_*.deb
    ;;
  demo)
    build
    echo
    echo "\$ procshare examples/worker_pool.c -- -std=c11"
    set +e
    "$BUILD/procshare" examples/worker_pool.c -- -std=c11
    status=$?
    set -e
    echo "(exit status $status: 0 no findings, 1 findings, 2 usage or input error)"
    [ "$status" -le 1 ]
    ;;
  test)
    build
    xml="$BUILD/test/results.xml"
    set +e
    python3 "$LLVM/build/utils/lit/lit.py" -sv --xunit-xml-output="$xml" "$BUILD/test"
    lit_status=$?
    set -e
    python3 test/summarize.py "$xml"
    exit "$lit_status"
    ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
