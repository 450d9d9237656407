#!/usr/bin/env bash
# Side-by-side benchmark of pirsite and Hugo (and Zola, when `zola` is on PATH) on the same
# synthetic archive.
#
#   bench/run.sh [--sizes "1000 10000"] [--runs 5] [--work DIR] [--edits 5] [--settle 65]
#
# For each size N it generates the archive with ../shared/bench/gen_archive.py (the same reports
# for both tools, seed 1), then measures with hyperfine (median of --runs runs, wall time) and
# GNU time (peak resident memory, median of the same number of runs):
#   pirsite build into a new folder, the previous one moved aside (nothing deleted);
#   the same with nothing kept from earlier builds: the report and highlight caches
#   (.pirsite-cache/) moved aside too, as in a fresh checkout;
#   pirsite build over the previous output (the steady state: the spare is rewritten);
#   pirsite build into a new folder right after deleting the previous one and its spare;
#   pirsite check (its reports kept by the run before, as every build and check keeps them),
#   and pirsite check with nothing kept (the report cache moved aside); hugo the same three ways; zola into a new folder and over its previous
#   output, if installed; and the floor: reading every Markdown file and copying the output
#   tree into a new folder.
# Runs that delete nothing come first, a minute after the setup's deletions: ext4 without a
# journal is slow to create files where many were just deleted (docs/performance.md). Each of
# them starts with `sync`, so no run, of either tool, shares the CPU with the kernel writing
# out the files of the runs before it.
# Then the edit latency of `pirsite serve` (examples/serve_latency.rs: median of --edits edits
# from the write to the updated page, and a check that the served site equals a fresh build).
# Prints one Markdown table per size and the ratios the targets are stated in. Needs: cargo,
# python3, hyperfine, hugo, GNU time (Debian: apt-get install hyperfine hugo time).
set -euo pipefail

sizes="1000 10000"
runs=5
edits=5
settle=65
work="${TMPDIR:-/tmp}/pirsite-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --edits) edits="$2"; shift 2 ;;
    --settle) settle="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--sizes \"1000 10000\"] [--runs 5] [--work DIR] [--edits 5] [--settle 65]" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")/.." && pwd)"
gen="$here/../shared/bench/gen_archive.py"
[ -f "$gen" ] || { echo "missing $gen" >&2; exit 2; }
for tool in hyperfine hugo python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine hugo time)" >&2; exit 2; }
done

cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml" --bin pirsite --example serve_latency
target="${CARGO_TARGET_DIR:-$here/target}"
pirsite="$target/release/pirsite"
latency="$target/release/examples/serve_latency"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
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

# median_s NAME: median seconds from the hyperfine export $work/NAME.json.
median_s() {
  python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/$1.json"
}

# ratio A B [DIGITS]: A / B to one decimal (or DIGITS).
ratio() {
  python3 -c 'import sys; print("%.*f" % (int(sys.argv[3]), float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2" "${3:-1}"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
# Zola is optional: it is not packaged for Debian 12 nor published on crates.io.
zola=""
if command -v zola >/dev/null; then zola=zola; fi
echo "pirsite $("$pirsite" --version | awk '{print $2}'), $(hugo version | awk '{print $1, $2}'), ${zola:+$(zola --version), }runs per figure: $runs"

declare -A new_s over_s
trash="$work/trash"
mkdir -p "$trash"
hf() { hyperfine --style none --runs "$runs" --export-json "$work/$1.json" "${@:2}" >/dev/null 2>&1; }
# aside PATH...: a --prepare command that moves PATHs into a new folder of $trash (nothing is
# deleted, so the file system has no freshly freed slots when the next run creates its files),
# then syncs.
aside() {
  local moves=""
  for path in "$@"; do moves="$moves && { [ ! -e $path ] || mv $path \$t/; }"; done
  echo "t=\$(mktemp -d -p $trash)$moves && sync"
}

# Setup: archives and the outputs the "over its previous output" runs start from.
for n in $sizes; do
  p="$work/pirsite-$n"; h="$work/hugo-$n"
  python3 "$gen" --n "$n" --seed 1 --flavor pirsite --out "$p" --force >/dev/null
  python3 "$gen" --n "$n" --seed 1 --flavor hugo --out "$h" --force >/dev/null
  rm -rf "$work/out-$n" "$work/out-fresh-$n" "$work/hugo-out-$n" "$work/hugo-over-$n" \
    "$work/floor-$n" "$work"/.out-*"$n".pirsite-*
  "$pirsite" build --root "$p" --today "$today" --output "$work/out-$n" >/dev/null 2>&1
  hugo --source "$h" --destination "$work/hugo-over-$n" --quiet >/dev/null
  if [ -n "$zola" ]; then
    python3 "$gen" --n "$n" --seed 1 --flavor zola --out "$work/zola-$n" --force >/dev/null
    rm -rf "$work/zola-out-$n" "$work/zola-over-$n"
    zola --root "$work/zola-$n" build --output-dir "$work/zola-over-$n" >/dev/null 2>&1
  fi
done
# ext4 without a journal (this project's machines) avoids reusing inodes freed in the last
# minute, scanning past each of them: let the deletions above age out before timing
# (--settle seconds).
sleep "$settle"

# Phase 1, nothing deleted while it runs: new folders (the previous one moved aside), over
# the previous output, check.
for n in $sizes; do
  p="$work/pirsite-$n"; h="$work/hugo-$n"
  out="$work/out-$n"; fresh="$work/out-fresh-$n"; fspare="$work/.out-fresh-$n.pirsite-spare"
  hout="$work/hugo-out-$n"; hover="$work/hugo-over-$n"; floor="$work/floor-$n"
  hf new-$n --prepare "$(aside "$fresh" "$fspare")" \
    "$pirsite build --root $p --today $today --output $fresh"
  hf cold-$n --prepare "$(aside "$fresh" "$fspare" "$p/.pirsite-cache")" \
    "$pirsite build --root $p --today $today --output $fresh"
  hf hugo-$n --prepare "$(aside "$hout")" "hugo --source $h --destination $hout --quiet"
  hf floor-$n --prepare "$(aside "$floor")" \
    "sh -c 'find $p/content -name \"*.md\" -exec cat {} + >/dev/null && cp -r $out $floor'"
  hf over-$n --warmup 1 --prepare sync "$pirsite build --root $p --today $today --output $out"
  hf hugo-over-$n --warmup 1 --prepare sync "hugo --source $h --destination $hover --quiet"
  hf check-$n --prepare sync "$pirsite check --root $p --today $today"
  hf check-cold-$n --prepare "$(aside "$p/.pirsite-cache/reports.bin")" \
    "$pirsite check --root $p --today $today"
  if [ -n "$zola" ]; then
    z="$work/zola-$n"
    hf zola-$n --prepare "$(aside "$work/zola-out-$n")" \
      "zola --root $z build --output-dir $work/zola-out-$n"
    hf zola-over-$n --warmup 1 --prepare sync \
      "zola --root $z build --output-dir $work/zola-over-$n --force"
  fi
done

# Phase 2: new folders right after the previous one was deleted (the slow case of this disk),
# peak memory, serve latency.
declare -A mem serve_line serve_same
for n in $sizes; do
  p="$work/pirsite-$n"; h="$work/hugo-$n"
  out="$work/out-$n"; fresh="$work/out-fresh-$n"; fspare="$work/.out-fresh-$n.pirsite-spare"
  hout="$work/hugo-out-$n"; hover="$work/hugo-over-$n"
  build_new="$pirsite build --root $p --today $today --output $fresh"
  hugo_new="hugo --source $h --destination $hout --quiet"
  hf new-del-$n --prepare "rm -rf $fresh $fspare" "$build_new"
  hf hugo-del-$n --prepare "rm -rf $hout" "$hugo_new"
  mem[new-$n]=$(median_kb sh -c "rm -rf $fresh $fspare && exec $build_new")
  mem[cold-$n]=$(median_kb sh -c "rm -rf $fresh $fspare $p/.pirsite-cache && exec $build_new")
  mem[over-$n]=$(median_kb $pirsite build --root $p --today $today --output $out)
  mem[check-$n]=$(median_kb $pirsite check --root $p --today $today)
  mem[check-cold-$n]=$(median_kb sh -c "rm -f $p/.pirsite-cache/reports.bin && exec $pirsite check --root $p --today $today")
  mem[hugo-$n]=$(median_kb sh -c "rm -rf $hout && exec $hugo_new")
  mem[hugo-over-$n]=$(median_kb hugo --source $h --destination $hover --quiet)
  if [ -n "$zola" ]; then
    mem[zola-$n]=$(median_kb sh -c "rm -rf $work/zola-out-$n && exec zola --root $work/zola-$n build --output-dir $work/zola-out-$n")
  fi
  serve_line[$n]="(not measured)"; serve_same[$n]=""
  if [ "$edits" -gt 0 ]; then
    serve_out=$("$latency" --root "$p" --edits "$edits" --pirsite "$pirsite")
    serve_line[$n]=$(echo "$serve_out" | awk '/median edit latency/ {print $(NF-1), $NF}')
    serve_same[$n]=$(echo "$serve_out" | awk -F': ' '/served site after the edits/ {print $2}')
  fi
done

for n in $sizes; do
  p="$work/pirsite-$n"; out="$work/out-$n"
  t_new=$(median_s new-$n); t_over=$(median_s over-$n); t_del=$(median_s new-del-$n)
  t_cold=$(median_s cold-$n)
  t_check=$(median_s check-$n); t_ccold=$(median_s check-cold-$n); t_hugo=$(median_s hugo-$n); t_hover=$(median_s hugo-over-$n)
  t_hdel=$(median_s hugo-del-$n)
  new_s[$n]=$t_new; over_s[$n]=$t_over
  echo
  echo "### $n reports ($(du -sh "$p/content" | cut -f1) of Markdown, output $(du -sh "$out" | cut -f1))"
  echo
  echo "| command | median wall time (s) | peak memory (MB) | Hugo / pirsite |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| pirsite build, new folder | $t_new | $(( ${mem[new-$n]} / 1024 )) | $(ratio "$t_hugo" "$t_new") |"
  echo "| pirsite build, new folder, nothing kept (fresh checkout) | $t_cold | $(( ${mem[cold-$n]} / 1024 )) | $(ratio "$t_hugo" "$t_cold") |"
  echo "| pirsite build, over its previous output | $t_over | $(( ${mem[over-$n]} / 1024 )) | $(ratio "$t_hover" "$t_over") |"
  echo "| pirsite build, new folder right after deleting the previous one | $t_del | | $(ratio "$t_hdel" "$t_del") |"
  echo "| pirsite check | $t_check | $(( ${mem[check-$n]} / 1024 )) | |"
  echo "| pirsite check, nothing kept (fresh checkout) | $t_ccold | $(( ${mem[check-cold-$n]} / 1024 )) | |"
  echo "| hugo, new folder | $t_hugo | $(( ${mem[hugo-$n]} / 1024 )) | |"
  echo "| hugo, over its previous output | $t_hover | $(( ${mem[hugo-over-$n]} / 1024 )) | |"
  echo "| hugo, new folder right after deleting the previous one | $t_hdel | | |"
  if [ -n "$zola" ]; then
    t_zola=$(median_s zola-$n); t_zover=$(median_s zola-over-$n)
    echo "| zola, new folder | $t_zola | $(( ${mem[zola-$n]} / 1024 )) | |"
    echo "| zola, over its previous output | $t_zover | | |"
  fi
  echo "| floor: read Markdown + copy output into a new folder | $(median_s floor-$n) | | |"
  echo
  echo "check / build: $(ratio "$t_check" "$t_new" 2) (new folder)," \
    "$(ratio "$t_check" "$t_over" 2) (over the previous output)," \
    "$(ratio "$t_ccold" "$t_cold" 2) (both in a fresh checkout, nothing kept);" \
    "serve edit latency: median ${serve_line[$n]}${serve_same[$n]:+, served site ${serve_same[$n]}}"
  if [ -n "$zola" ]; then
    echo "Zola / pirsite: $(ratio "$t_zola" "$t_new") (new folder), $(ratio "$t_zover" "$t_over") (over the previous output)"
  fi
done

set -- $sizes
if [ $# -ge 2 ]; then
  first=$1; last=${!#}
  echo
  echo "build time ratio $last / $first reports: new folder $(ratio "${new_s[$last]}" "${new_s[$first]}")," \
    "over the previous output $(ratio "${over_s[$last]}" "${over_s[$first]}")"
fi
rm -rf "$trash"
