# A thin front for the two commands the README gives; CMake does the build.
#   make demo   install what is missing, build, and show closes against lingerpeer
#   make test   install what is missing, build, and run every test
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_CLANG?= build-clang
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps build demo test test-fast test-sanitize test-valgrind test-clang fuzz install clean

all: build

deps:
	@.ci/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@client/demo.sh $(BUILD)
	@echo
	@echo "== The same, written as a scenario and checked: lingerlab run scenarios/examples"
	@$(BUILD)/client/lingerlab run --jobs $(JOBS) scenarios/examples

# Unit and integration tests with the normal build.
test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The same suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DLINGERLAB_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

# valgrind over the unit tests (pure code: any error is ours).
test-valgrind: build
	ctest --test-dir $(BUILD) -L unit -j $(JOBS) --output-on-failure \
	  --overwrite MemoryCheckCommand=/usr/bin/valgrind \
	  --overwrite "MemoryCheckCommandOptions=--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
	  -T memcheck

# clang with -Werror, and the fuzz targets over their seed corpora.
test-clang: deps
	@CC=clang cmake -S . -B $(BUILD_CLANG) -DCMAKE_BUILD_TYPE=Debug -DLINGERLAB_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_CLANG) -j $(JOBS)
	ctest --test-dir $(BUILD_CLANG) -L 'unit|fuzz' --output-on-failure -j $(JOBS)

test: test-fast test-sanitize test-valgrind test-clang
	@echo "make test: all suites passed (normal, sanitizers, valgrind, clang)"

# Each fuzz target for FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz: test-clang
	@for f in $(BUILD_CLANG)/tests/fuzz/fuzz_*; do \
	  [ -x "$$f" ] || continue; n=$$(basename $$f); \
	  echo "== $$n for $(FUZZ_SECONDS)s"; \
	  mkdir -p $(BUILD_CLANG)/fuzz-work/$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) $(BUILD_CLANG)/fuzz-work/$$n tests/fuzz/corpus/$${n#fuzz_} || exit 1; \
	done

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_CLANG)
