#!/usr/bin/env bash
# `make lint`: cppcheck and clang-tidy over the program sources (client/,
# common/, peer/) with the checked-in configuration: .clang-tidy and
# .cppcheck-suppressions at the top of the tree, and the map of the sources
# in docs/architecture.md against the tree (tests/check-architecture.sh),
# and the layers (tests/check-layers.sh: no private header included from
# outside its folder, no folder including a layer above it). Any finding
# fails.
#
#   tests/lint.sh [BUILD_DIR]
#
# BUILD_DIR (default build-lint) gets a clang configuration with
# compile_commands.json, so both tools see the real flags and include paths.
# docs/reliability.md says what is checked and why.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-lint}
jobs=${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}

for tool in cppcheck clang-tidy; do
	if ! command -v $tool >/dev/null; then
		echo "lint: $tool is not installed (apt-get install cppcheck clang-tidy; .ci/install-deps does)" >&2
		exit 2
	fi
done
# Absolute: cppcheck matches --file-filter against the paths of a project
# given by a relative name as relative ones, and then finds nothing.
mkdir -p "$build" && build=$(cd "$build" && pwd)
if ! CC=clang cmake -S "$root" -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$build/lint-cmake.log" 2>&1; then
	cat "$build/lint-cmake.log" >&2
	exit 2
fi
# The Winsock files (client/platform/platform_win32*.c) are built only
# into lingerlab-agent.exe, by client/agent/windows/: they are checked
# below, against mingw-w64's headers, not with this build's flags.
sources=$(cd "$root" && find client common peer -name '*.c' \
    ! -name 'platform_win32*' | sort)
win32=$(cd "$root" && find client -name 'platform_win32*.c' | sort)
win32_flags="--target=x86_64-w64-mingw32 -std=c11 -Iclient/platform \
-Iclient/agent -Icommon -D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00 \
-DWIN32_LEAN_AND_MEAN -D__USE_MINGW_ANSI_STDIO=1"
failed=0

echo "== the map of the sources (docs/architecture.md, \"The parts\")"
if ! "$root/tests/check-architecture.sh" "$root"; then
	failed=1
fi

echo "== the house style (.clang-format; make format applies it)"
if ! command -v clang-format >/dev/null; then
	echo "lint: clang-format is not installed (apt-get install clang-format; .ci/install-deps test does)" >&2
	failed=1
elif ! (cd "$root" && git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror); then
	echo "lint: files above are not in the house style: run make format" >&2
	failed=1
fi

echo "== the layers (tests/check-layers.sh)"
if ! "$root/tests/check-layers.sh"; then
	failed=1
fi

echo "== cppcheck $(cppcheck --version | sed 's/Cppcheck //') on $(echo "$sources" | wc -l) files"
filters=()
for d in client common peer; do
	filters+=("--file-filter=$root/$d/*")
done
if ! cppcheck --project="$build/compile_commands.json" "${filters[@]}" \
    --enable=warning,portability --std=c11 -j "$jobs" --quiet \
    --inline-suppr --suppressions-list="$root/.cppcheck-suppressions" \
    --error-exitcode=1 \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]'; then
	failed=1
fi

echo "== clang-tidy $(clang-tidy --version | sed -n 's/.*LLVM version //p') on the same files"
# WarningsAsErrors in .clang-tidy: a finding makes clang-tidy exit non-zero.
# One file per clang-tidy: with several, clang-tidy 14's analyzer carries
# va_list state from one file into the next and reports every va_start as
# uninitialised (seen on common/units.c; alone it is clean).
if ! (cd "$root" && echo "$sources" | xargs -P "$jobs" -n 1 \
    clang-tidy -p "$build" --quiet 2>/dev/null); then
	failed=1
fi

echo "== the Winsock files: cppcheck and clang-tidy for x86_64-w64-mingw32"
if ! cppcheck --enable=warning,portability --std=c11 --quiet --inline-suppr \
    --suppressions-list="$root/.cppcheck-suppressions" --error-exitcode=1 \
    -D_WIN32 -D_WIN32_WINNT=0x0A00 -I"$root/client/platform" -I"$root/common" \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
    $(cd "$root" && for f in $win32; do echo "$root/$f"; done); then
	failed=1
fi
if [ ! -f /usr/x86_64-w64-mingw32/include/winsock2.h ]; then
	echo "lint: clang-tidy skips the Winsock files: no mingw-w64 headers (apt-get install gcc-mingw-w64-x86-64)"
# shellcheck disable=SC2086 # the flags are words
elif ! (cd "$root" && echo "$win32" | xargs -P "$jobs" -I{} \
    sh -c "clang-tidy --quiet {} -- $win32_flags 2>/dev/null"); then
	failed=1
fi

if [ $failed -ne 0 ]; then
	echo "lint: findings above (fix them, or suppress one with its reason: docs/reliability.md)" >&2
	exit 1
fi
echo "lint: clean"
