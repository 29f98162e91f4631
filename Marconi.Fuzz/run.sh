#!/usr/bin/env bash
# Coverage-guided fuzzing of Marconi's parsers with AFL++ and SharpFuzz, bounded in time.
#   run.sh TARGET SECONDS   fuzz one target (see `run.sh list`) for SECONDS
#   run.sh all [SECONDS]    give every target an equal share of SECONDS (default 60): the CI run
#   run.sh replay           run every corpus file through every target in-process, without AFL
#   run.sh list             the targets
# Exits non-zero when a crash was found, after printing each crashing input and its stack trace (replayed without
# instrumentation). Needs afl-fuzz (Debian: apt-get install afl++); installs the sharpfuzz tool when missing.
# Environment: MARCONI_FUZZ_NO_BUILD=1 skips the build; MARCONI_FUZZ_WORK=DIR keeps the instrumented copy and the
# findings there (default: a temp folder, removed at the end unless a crash was found).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
(($# >= 1)) || usage
mode=$1

if [[ ${MARCONI_FUZZ_NO_BUILD:-} != 1 ]]; then
  dotnet build "$here/Marconi.Fuzz.csproj" -c Release -v quiet -nologo >/dev/null
fi
out="$here/bin/Release/net10.0"
fuzz_dll="$out/Marconi.Fuzz.dll"
[[ -f $fuzz_dll ]] || { echo "run.sh: $fuzz_dll is missing: build Marconi.Fuzz first" >&2; exit 1; }
mapfile -t targets < <(dotnet "$fuzz_dll" list | awk '{print $1}')

case $mode in
  list) dotnet "$fuzz_dll" list; exit 0 ;;
  replay) exec dotnet "$fuzz_dll" replay all "$here/Corpus" ;;
  all) selected=("${targets[@]}"); total=${2:-60}; share=$((total / ${#targets[@]})); ((share >= 5)) || share=5 ;;
  *)
    (($# == 2)) || usage
    printf '%s\n' "${targets[@]}" | grep -qxF "$mode" || { echo "run.sh: unknown target $mode (run.sh list)" >&2; exit 2; }
    selected=("$mode"); share=$2 ;;
esac
[[ $share =~ ^[0-9]+$ ]] || usage

command -v afl-fuzz >/dev/null 2>&1 || { echo "run.sh: afl-fuzz is missing: apt-get install -y afl++" >&2; exit 1; }
sharpfuzz=$(command -v sharpfuzz || true)
if [[ -z $sharpfuzz ]]; then
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/marconi-fuzz/tools"
  [[ -x $tools/sharpfuzz ]] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
  sharpfuzz=$tools/sharpfuzz
fi

keep=${MARCONI_FUZZ_WORK:-}
work=${keep:-$(mktemp -d /tmp/marconi-fuzz.XXXXXX)}
mkdir -p "$work"
# The build output stays uninstrumented (the tests use it); AFL runs an instrumented copy. Only our assemblies are
# instrumented: coverage of System.Text.Json would mostly measure the reader, not our use of it.
rm -rf "$work/bin"
cp -r "$out" "$work/bin"
for assembly in Marconi.Http.dll Marconi.Core.dll; do
  "$sharpfuzz" "$work/bin/$assembly" >/dev/null
done

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# The .NET runtime takes a few seconds to start on a busy machine before the fork server answers.
export AFL_FORKSRV_INIT_TMOUT=60000

crashes=0
for target in "${selected[@]}"; do
  findings="$work/findings/$target"
  rm -rf "$findings"
  mkdir -p "$work/findings"
  echo "== $target: afl-fuzz for ${share}s"
  afl-fuzz -i "$here/Corpus/$target" -o "$findings" -V "$share" -t 5000 -m none \
    -- "$(command -v dotnet)" "$work/bin/Marconi.Fuzz.dll" fuzz "$target" > "$work/afl-$target.log" 2>&1 || {
      echo "run.sh: afl-fuzz failed for $target:" >&2; tail -30 "$work/afl-$target.log" >&2; exit 1; }
  stats="$findings/default/fuzzer_stats"
  if [[ -f $stats ]]; then
    awk -F' *: *' '$1 ~ /^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg)$/ {printf "   %s=%s", $1, $2} END {print ""}' "$stats"
  fi
  shopt -s nullglob
  found=("$findings"/default/crashes/id:*)
  shopt -u nullglob
  for crash in "${found[@]}"; do
    crashes=$((crashes + 1))
    echo "CRASH in $target: $crash"
    od -A d -c "$crash" | head -20
    dotnet "$fuzz_dll" replay "$target" "$crash" || true
  done
done

if ((crashes > 0)); then
  echo "run.sh: $crashes crashing inputs; they are kept under $work/findings (add each to Corpus/ and as a regression test)"
  exit 1
fi
echo "run.sh: no crashes in ${#selected[@]} target(s)"
[[ -n $keep ]] || rm -rf "$work"
