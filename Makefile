# The two commands: `make run` and `make test`. Everything else is CMake and ctest.
BUILD ?= build
PORT ?= 8080
DATA ?= data

.PHONY: run test build deps test-deps clean bench

run: deps build
	./$(BUILD)/planaloud --port $(PORT) --data $(DATA) --demo

test: test-deps build
	cd $(BUILD) && ctest --output-on-failure -j$$(nproc)

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j

deps:
	@sh .ci/install-deps run

test-deps:
	@sh .ci/install-deps test

bench: deps build
	./$(BUILD)/planaloud-bench save --sessions 200 --seconds 10

clean:
	rm -rf $(BUILD)
