# The two commands: `make run` and `make test`. Everything else is CMake and ctest.
BUILD ?= build
PORT ?= 8080
DATA ?= data

.PHONY: run test build deps test-deps clean bench format

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

bench: deps build
	./$(BUILD)/planaloud-bench save --sessions 200 --seconds 10

format:
	clang-format -i server/*.[ch] tests/*.[ch] bench/*.[ch]

clean:
	rm -rf $(BUILD)
