# Sourced by regen.sh and check.sh: moves to the project root, builds the tracer and ponder, and
# lists the binary's function addresses. Sets $root, $tmp (removed on exit), $bin and $tmp/addrs.
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/bpcov" scripts/link-order/bpcov.c
cargo build --release -p ponder
bin="${CARGO_TARGET_DIR:-$root/target}/release/ponder"
nm --defined-only "$bin" | awk '$2 ~ /^[tTwW]$/ { print $1 }' | sort -u > "$tmp/addrs"
