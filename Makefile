# jwtguard: `make demo` runs the demo, `make test` runs every test of the project.
.PHONY: test demo fixtures fuzz fuzz-trim install nginx deb wheel bench size sanitize \
	test-core test-c test-python test-nginx lint fmt doc

test:
	bash scripts/test

# One part each, for a contributor who touched that part (`make test` runs them all).
test-core:
	bash scripts/test core
test-c:
	bash scripts/test c
test-python:
	bash scripts/test python
test-nginx:
	bash scripts/test nginx
lint:
	bash scripts/test fmt lint
doc:
	bash scripts/test doc
# Rewrites the Rust sources in the project's format.
fmt:
	cargo fmt --all
	cd benches/rust && cargo fmt

demo:
	bash scripts/demo

# Builds the nginx dynamic module for Debian's nginx (installs nginx-core and nginx-dev
# with apt-get when missing): target/nginx/ngx_http_jwtguard_module.so (nginx/README.md).
nginx:
	bash nginx/build.sh

# Builds the Python package: the abi3 wheel and the source distribution in
# target/wheels/ (bindings-python/README.md); the Python tests install that wheel.
wheel:
	bash bindings-python/build-wheel.sh

# The Debian package of the module for the installed nginx (its exact nginx-abi):
# target/deb/libnginx-mod-http-jwtguard_<version>_<arch>.deb; install it with
# apt-get install ./target/deb/libnginx-mod-http-jwtguard_*.deb (nginx/README.md).
deb:
	bash nginx/deb.sh

# Regenerates core/tests/fixtures and ffi-c/tests/fixtures/verifier.json with PyJWT and
# cryptography (independent of jwtguard).
fixtures:
	bash scripts/fixtures

# Runs every fuzz target for FUZZ_SECONDS each (nightly Rust and cargo-fuzz; installs
# cargo-fuzz if missing) on working corpora under target/fuzz-corpus/, seeded from
# fuzz/corpus; they grow there, never in git. Findings stop the run; see fuzz/README.md.
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	fuzz/run-campaign.sh $(FUZZ_SECONDS) jws jwks verify claims json structured ffi backends apim_policy sources

# Folds the working corpora back into the committed ones (fuzz/corpus), each
# re-minimised into its budget (400 files, 2 MiB); prints files, bytes and coverage
# before and after. FUZZ_TARGETS to pick some.
FUZZ_TARGETS ?= jws jwks verify claims json structured ffi apim_policy sources
fuzz-trim:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	python3 fuzz/trim_corpus.py $(FUZZ_TARGETS)

# Benchmarks against the peers (Rust/criterion, Python, nginx with wrk); results and
# how to read them in benches/RESULTS.md. Run on a quiet machine.
bench:
	bash benches/rust/run.sh
	bash benches/python/run.sh
	bash benches/nginx/run.sh

# Code size and stack of the no_std builds (thumbv7em-none-eabihf, wasm32, host);
# rewrites the "Embedded and WebAssembly" section of benches/RESULTS.md.
size:
	bash benches/embedded/size.sh --write

# The C ABI under AddressSanitizer, UndefinedBehaviorSanitizer (C side) and
# ThreadSanitizer (nightly Rust with rust-src, gcc); slow, so not part of `make test`.
sanitize:
	bash ffi-c/sanitize.sh

# Installs the C library: PREFIX/lib/libjwtguard.{a,so}, PREFIX/include/jwtguard.h and
# PREFIX/lib/pkgconfig/jwtguard{,-static}.pc (see ffi-c/README.md).
PREFIX ?= /usr/local
install:
	bash ffi-c/install.sh "$(PREFIX)"
