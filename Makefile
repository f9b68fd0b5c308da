# A thin front for the two commands the README gives; CMake does the build.
#   make demo   install what is missing, build, and show closes against lingerpeer
#   make test   install what is missing, build, and run every test
#   make windows  lingerlab-agent.exe for Windows, and its zip (docs/windows.md)
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_CLANG?= build-clang
BUILD_DEB  ?= build-deb
BUILD_WIN  ?= build-windows
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps deps-test build demo lab-demo test test-fast test-sanitize test-valgrind test-clang fuzz install clean \
	bench bench-quick fuzz-ci format lint test-flake package test-package \
	deps-windows windows windows-table

all: build

# What building needs (make build, make demo); deps-test adds what the
# tests, the linters, the package round trip and the report checkers use.
deps:
	@.ci/install-deps build

deps-test:
	@.ci/install-deps test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The narrated closes (client/cmd/demo.sh), then the whole scenario library,
# over IPv4 and over IPv6 (client/cmd/demo-library.sh). Cases mostly wait on
# timers: lingerlab runs as many at once as their waits need, and the
# library takes about as long as its longest case per family (~12 s on two
# cores). DEMO_JOBS=N sets the count.
DEMO_JOBS ?=
demo: build
	@client/cmd/demo.sh $(BUILD)
	@client/cmd/demo-library.sh $(BUILD) $(DEMO_JOBS)

# The whole library in lab mode (docs/lab.md): lingerlab-agent, lingerpeer
# and the runner on three hosts made of network namespaces, TCP and tokens
# between them; then in sandboxes, and the two runs' verdicts compared check
# for check. About 4 minutes on two cores (lab mode runs one case at a
# time). LAB_AGENT="wine .../lingerlab-agent.exe" puts another agent there.
lab-demo: build
	@client/cmd/lab-demo.sh $(BUILD)

# Unit and integration tests with the normal build. The test packages
# first: the build configures the Windows agent (mingw-w64) and its tests
# under Wine only when they are there.
test-fast: deps-test build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The same suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: deps-test
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DLINGERLAB_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

# valgrind over the unit tests (pure code: any error is ours).
test-valgrind: build deps-test
	ctest --test-dir $(BUILD) -L unit -j $(JOBS) --output-on-failure \
	  --overwrite MemoryCheckCommand=/usr/bin/valgrind \
	  --overwrite "MemoryCheckCommandOptions=--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
	  -T memcheck

# clang with -Werror, and the fuzz targets over their seed corpora.
test-clang: deps-test
	@CC=clang cmake -S . -B $(BUILD_CLANG) -DCMAKE_BUILD_TYPE=Debug -DLINGERLAB_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_CLANG) -j $(JOBS)
	ctest --test-dir $(BUILD_CLANG) -L 'unit|fuzz' --output-on-failure -j $(JOBS)

test: test-fast test-sanitize test-valgrind test-clang fuzz-ci lint bench-quick test-package
	@echo "make test: all suites passed (normal, sanitizers, valgrind, clang, fuzz-ci, lint, bench-quick, package)"

# The benchmark (docs/performance.md): every figure, side by side, in namespaces
# it creates. bench-quick uses small counts (under a minute) and only proves
# that every figure is still produced; it checks no timing. Exit 77: no sandbox here.
bench: build deps-test
	$(BUILD)/tests/bench/lingerlab-bench

bench-quick: build deps-test
	@$(BUILD)/tests/bench/lingerlab-bench --quick; rc=$$?; \
	  if [ $$rc -eq 77 ]; then echo "bench-quick: SKIP (no sandbox here)"; exit 0; fi; exit $$rc

# Each fuzz target for FUZZ_SECONDS (default 60), one at a time; fuzz-ci (in
# `make test`) gives each FUZZ_CI_SECONDS, two at a time on the two cores.
# A crash fails the run and leaves its input in $(BUILD_CLANG)/fuzz-artifacts.
FUZZ_SECONDS ?= 60
FUZZ_CI_SECONDS ?= 60
fuzz: test-clang
	@tests/fuzz/run-fuzzers.sh $(BUILD_CLANG) $(FUZZ_SECONDS) 1

fuzz-ci: test-clang
	@tests/fuzz/run-fuzzers.sh $(BUILD_CLANG) $(FUZZ_CI_SECONDS) 2

# The house style (.clang-format) over every C file git knows; make lint
# fails on any file this would change.
format: deps-test
	@git ls-files '*.c' '*.h' | xargs clang-format -i

# cppcheck and clang-tidy with the checked-in configuration (.clang-tidy,
# .cppcheck-suppressions), and the layers (tests/check-layers.sh: no private
# header used outside its folder, no folder using one above it): any
# finding fails.
lint: deps-test
	@tests/lint.sh $(BUILD)-lint

# The integration suite FLAKE_RUNS times in a row with a busy loop on every
# core beside it; counts the failed runs (docs/reliability.md). Long: not in
# `make test`.
FLAKE_RUNS ?= 30
test-flake: build
	@tests/flake.sh $(BUILD) $(FLAKE_RUNS)

install: build
	cmake --install $(BUILD)

# The Debian package, build-deb/lingerlab_VERSION_ARCH.deb (docs/CMakeLists.txt,
# docs/debian/): a build of its own for /usr, with Debian's hardening flags,
# without the tests. Then `apt install ./build-deb/lingerlab_*.deb`.
DEB_CFLAGS = $(shell dpkg-buildflags --get CFLAGS 2>/dev/null) $(shell dpkg-buildflags --get CPPFLAGS 2>/dev/null)
DEB_LDFLAGS = $(shell dpkg-buildflags --get LDFLAGS 2>/dev/null)
package: deps-test
	@cmake -S . -B $(BUILD_DEB) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
	  -DLINGERLAB_TESTS=OFF -DLINGERLAB_SYSTEMD_UNITDIR=/lib/systemd/system \
	  -DCMAKE_C_FLAGS="$(DEB_CFLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(DEB_LDFLAGS)" \
	  -DCMAKE_SHARED_LINKER_FLAGS="$(DEB_LDFLAGS)" >/dev/null
	@cmake --build $(BUILD_DEB) -j $(JOBS)
	@cd $(BUILD_DEB) && cpack -G DEB >/dev/null
	@ls $(BUILD_DEB)/*.deb

# The package's round trip (tests/package/test-package.sh): lintian, install,
# the examples from the installed paths, remove, nothing left. Root only;
# this machine is left as it was, also on failure. Exit 77: SKIP, said why.
test-package: package
	@tests/package/test-package.sh $(BUILD_DEB); rc=$$?; \
	  if [ $$rc -eq 77 ]; then echo "test-package: SKIP (see above)"; exit 0; fi; exit $$rc

# lingerlab-agent.exe for 64-bit Windows, cross-built with mingw-w64 and
# the toolchain file client/agent/windows/mingw-w64-x86_64.cmake, statically
# linked (the build checks it imports system DLLs only), and a zip with it
# and a README for the Windows user. `make test` builds and tests the same
# program under Wine (tests/integration/CMakeLists.txt).
deps-windows:
	@.ci/install-deps windows

windows: deps-windows
	@cmake -S client/agent/windows -B $(BUILD_WIN) \
	  -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/client/agent/windows/mingw-w64-x86_64.cmake >/dev/null
	@cmake --build $(BUILD_WIN) -j $(JOBS)
	@ls $(BUILD_WIN)/lingerlab-agent.exe $(BUILD_WIN)/*.zip

# docs/windows.md's table: the whole scenario library run against
# lingerlab-agent.exe under Wine, the windows: expectations selected, each
# verdict written into the page (client/agent/windows/wine-library.sh).
windows-table: build windows deps-test
	@client/agent/windows/wine-library.sh $(BUILD) $(BUILD_WIN)/lingerlab-agent.exe docs/windows.md

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_CLANG) $(BUILD)-lint $(BUILD_DEB) $(BUILD_WIN)
