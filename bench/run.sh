#!/usr/bin/env bash
# Side-by-side benchmark of pirsite and Hugo on the same synthetic archive.
#
#   bench/run.sh [--sizes "1000 10000"] [--runs 5] [--work DIR]
#
# For each size N it generates the archive with ../shared/bench/gen_archive.py (the same reports
# for both tools, seed 1), then measures with hyperfine (median of --runs runs, wall time) and
# GNU time (peak resident memory, median of the same number of runs):
#   pirsite build into a new folder, pirsite build over the previous output, pirsite check,
#   hugo into a new folder, and the floor: reading every Markdown file and copying the output tree.
# Prints one Markdown table per size. Needs: cargo, python3, hyperfine, hugo, GNU time
# (Debian: apt-get install hyperfine hugo time).
set -euo pipefail

sizes="1000 10000"
runs=5
work="${TMPDIR:-/tmp}/pirsite-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--sizes \"1000 10000\"] [--runs 5] [--work DIR]" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")/.." && pwd)"
gen="$here/../shared/bench/gen_archive.py"
[ -f "$gen" ] || { echo "missing $gen" >&2; exit 2; }
for tool in hyperfine hugo python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine hugo time)" >&2; exit 2; }
done

cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
pirsite="$here/target/release/pirsite"
mkdir -p "$work"
today=2026-11-27

# median_kb CMD...: median peak RSS (KB) of $runs runs of CMD.
median_kb() {
  local samples=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%M' -o "$work/time.out" "$@" >/dev/null 2>&1
    samples+=("$(tail -n1 "$work/time.out")")
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# median_s JSON: median seconds from a hyperfine export.
median_s() {
  python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "pirsite $("$pirsite" --version | awk '{print $2}'), $(hugo version | awk '{print $1, $2}'), runs per figure: $runs"

for n in $sizes; do
  p="$work/pirsite-$n"; h="$work/hugo-$n"
  python3 "$gen" --n "$n" --seed 1 --flavor pirsite --out "$p" --force >/dev/null
  python3 "$gen" --n "$n" --seed 1 --flavor hugo --out "$h" --force >/dev/null
  out="$work/out-$n"; fresh="$work/out-fresh-$n"; hout="$work/hugo-out-$n"; floor="$work/floor-$n"
  rm -rf "$out" "$fresh" "$hout" "$floor"
  "$pirsite" build --root "$p" --today "$today" --output "$out" >/dev/null

  build_new="$pirsite build --root $p --today $today --output $fresh"
  build_over="$pirsite build --root $p --today $today --output $out"
  check="$pirsite check --root $p --today $today"
  hugo_cmd="hugo --source $h --destination $hout --quiet"
  floor_cmd="sh -c 'find $p/content -name \"*.md\" -exec cat {} + >/dev/null && cp -r $out $floor'"

  hyperfine --style none --runs "$runs" --export-json "$work/new-$n.json" --prepare "rm -rf $fresh" "$build_new" >/dev/null
  hyperfine --style none --runs "$runs" --export-json "$work/over-$n.json" "$build_over" >/dev/null
  hyperfine --style none --runs "$runs" --export-json "$work/check-$n.json" "$check" >/dev/null
  hyperfine --style none --runs "$runs" --export-json "$work/hugo-$n.json" --prepare "rm -rf $hout" "$hugo_cmd" >/dev/null
  hyperfine --style none --runs "$runs" --export-json "$work/floor-$n.json" --prepare "rm -rf $floor" "$floor_cmd" >/dev/null

  mem_new=$(median_kb sh -c "rm -rf $fresh && exec $pirsite build --root $p --today $today --output $fresh")
  mem_check=$(median_kb $pirsite check --root "$p" --today "$today")
  mem_hugo=$(median_kb sh -c "rm -rf $hout && exec hugo --source $h --destination $hout --quiet")

  echo
  echo "### $n reports ($(du -sh "$p/content" | cut -f1) of Markdown, output $(du -sh "$out" | cut -f1))"
  echo
  echo "| command | median wall time (s) | peak memory (MB) |"
  echo "| --- | ---: | ---: |"
  echo "| pirsite build, new folder | $(median_s "$work/new-$n.json") | $((mem_new / 1024)) |"
  echo "| pirsite build, over previous output | $(median_s "$work/over-$n.json") | |"
  echo "| pirsite check | $(median_s "$work/check-$n.json") | $((mem_check / 1024)) |"
  echo "| hugo, new folder | $(median_s "$work/hugo-$n.json") | $((mem_hugo / 1024)) |"
  echo "| floor: read Markdown + copy output | $(median_s "$work/floor-$n.json") | |"
done
