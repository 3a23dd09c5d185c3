#!/bin/sh
# Reports whether crates/cli/link/hot-text.ld still matches the code: builds ponder, records the
# functions `ponder bench postflop` enters (scripts/link-order/bpcov.c) and counts those that the
# linker did not place in .text.hot. Any function outside it maps 64 KiB or more of text of its
# own, which the small spots' peak memory cannot afford; then run scripts/link-order/regen.sh.
# Exit status: 0 when every entered function is in .text.hot, 1 otherwise.
# Needs cc, nm, readelf and python3; Linux x86_64 only (ptrace).
set -eu
. "$(dirname "$0")/setup.sh"
"$tmp/bpcov" "$tmp/addrs" "$tmp/hits" -- "$bin" bench postflop > /dev/null
python3 - "$bin" "$tmp/hits" <<'PY'
import subprocess, sys
binary, hits_path = sys.argv[1:3]
hot = None
for line in subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    fields = line.replace("[ ", "[").split()
    if ".text.hot" in fields:
        i = fields.index("PROGBITS")
        hot = (int(fields[i + 1], 16), int(fields[i + 3], 16))
if hot is None:
    sys.exit("no .text.hot section: the link fragment is not in use (PONDER_NO_HOT_TEXT? RUSTFLAGS?)")
sizes = {}
for line in subprocess.run(["nm", "--defined-only", "-S", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 4:
        sizes.setdefault(int(parts[0], 16), (int(parts[1], 16), parts[3]))
hits = [int(line, 16) for line in open(hits_path) if line.strip()]
outside = [h for h in hits if not hot[0] <= h < hot[0] + hot[1] and sizes.get(h, (0, ""))[0] > 0]
print(f".text.hot: {hot[1]:,} bytes; the bench entered {len(hits)} functions, {len(outside)} outside it")
for h in outside[:20]:
    print(f"  {h:#x} {sizes[h][1][:120]}")
sys.exit(1 if outside else 0)
PY
