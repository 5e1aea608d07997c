#!/bin/sh
# Run the libFuzzer harness over parse-from-bytes for SECONDS (default 60),
# seeded with the project corpus, the regression cases in crashers/ and
# the memory shapes in seeds/ (small inputs with repeat marks that expand
# to megabytes: see fuzz-parse.c).  Inputs up to 256 KiB, expanded up to
# 4 MiB; a run over 1 GiB of memory (sanitizers included), or one
# allocation over 512 MiB, is a finding.
#   tests/fuzz/run.sh [SECONDS] [extra libFuzzer options...]
# A finding is written to build-fuzz/findings/ and makes this exit non-zero;
# keep it as tests/fuzz/crashers/NAME after fixing the bug.
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
CC=clang cmake -S . -B build-fuzz -DNDRPARSE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build-fuzz --target fuzz-parse -j "$(nproc)" > /dev/null
mkdir -p build-fuzz/work build-fuzz/findings
cp corpus/*.eml tests/fuzz/crashers/* tests/fuzz/seeds/* build-fuzz/work/ 2>/dev/null || true
G_SLICE=always-malloc ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  build-fuzz/tests/fuzz/fuzz-parse build-fuzz/work \
    -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=512 \
    -artifact_prefix=build-fuzz/findings/ -print_final_stats=1 "$@"
