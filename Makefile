# The two commands: `make run` and `make test`. Everything else is CMake and ctest.
BUILD ?= build
PORT ?= 8080
DATA ?= data

FUZZ_SECONDS ?= 60

.PHONY: run test build deps test-deps clean bench format fuzz

run: deps build
	./$(BUILD)/planaloud --port $(PORT) --data $(DATA) --demo

# One test more than there are cores: the browser tests spend much of their time waiting on the
# page (audio played in real time, the server's replies), so a third keeps both cores busy. The
# one test that times the voice against the highlight runs alone (RUN_SERIAL).
test: test-deps build
	cd $(BUILD) && ctest --output-on-failure -j$$(( $$(nproc) + 1 ))

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j

deps:
	@sh .ci/install-deps run

test-deps:
	@sh .ci/install-deps test

# The fuzz targets (docs/fuzzing.md), built with clang in their own folder and run one after the
# other, FUZZ_SECONDS each. Not part of `make test`.
fuzz:
	@sh .ci/install-deps fuzz
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLANALOUD_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j --target fuzz_all
	sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

bench: deps build
	./$(BUILD)/planaloud-bench save --sessions 200 --seconds 10

format:
	clang-format -i server/*.[ch] tests/*.[ch] bench/*.[ch]

clean:
	rm -rf $(BUILD) build-fuzz

# The Debian package (docs/deployment.md, "The Debian package and its service"):
# $(BUILD)/planaloud_VERSION_ARCH.deb
.PHONY: package
package: deps build
	cd $(BUILD) && cpack -G DEB
