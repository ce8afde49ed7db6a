#!/usr/bin/env bash
# kitemark's benchmarks at scale, in one command, with a table of medians at the end.
#
#   bash benches/run.sh [--schools 1000] [--years 5] [--runs 5] [--no-diff]
#
# Builds the release binary and the generator, generates the synthetic repository once
# (kept in target/bench/, about two minutes for 1,000 schools × 5 years), then measures the
# interface, validate and one school's history beside git (benches/scale.py) and runs the
# diff benchmarks (cargo bench --bench diff). Needs tmux, git and python3.
set -euo pipefail
schools=1000 years=5 runs=5 diff=1
while [ $# -gt 0 ]; do
    case "$1" in
        --schools) schools=$2; shift 2 ;;
        --years) years=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --no-diff) diff=0; shift ;;
        *) echo "usage: bash benches/run.sh [--schools N] [--years N] [--runs N] [--no-diff]" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
for tool in tmux git python3; do
    command -v "$tool" >/dev/null || { echo "benches/run.sh needs $tool" >&2; exit 1; }
done
cargo build --release --quiet --bin kitemark --example gen
repo=target/bench/gen-${schools}x${years}-seed1
if [ ! -d "$repo" ]; then
    mkdir -p target/bench
    # Built beside its final place, so that an interrupted build is never taken for a whole one.
    rm -rf "$repo.partial"
    target/release/examples/gen --schools "$schools" --years "$years" --seed 1 "$repo.partial"
    mv "$repo.partial" "$repo"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 benches/scale.py --repo "$repo" --binary target/release/kitemark --runs "$runs" --work "$work"
if [ "$diff" = 1 ]; then
    echo
    echo "diff benchmarks (divan: fastest, slowest, median, mean of each):"
    cargo bench --quiet --bench diff
fi
