# Northstar's two everyday commands. Make rather than `cargo xtask`: the
# steps are shell tools (rustup, cargo-leptos, npm, apt), make is on every
# Debian machine already, and an xtask would have to compile before it
# could install anything.

SHELL := /bin/bash
# binaryen's wasm-opt from npm (Debian's 108 breaks hydration) and Playwright.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# cargo-leptos compiles with this set, and leptos reads it at compile time
# (without it, pages ask for `northstar_bg.wasm`). Setting it for every cargo
# command keeps the test builds' binary right and lets them reuse artifacts.
export LEPTOS_OUTPUT_NAME := northstar

.PHONY: run test setup site rust-tests e2e lint bench bench-screens bench-instances bench-checkins bench-lessons bench-crash bench-soak bench-lighthouse

## Install what is missing, build the release site, start Northstar with demo data.
run: site
	target/release/northstar serve --demo

## Every test: unit, integration (real SQLite files and a real PostgreSQL), end to end (real chromium).
test: site rust-tests e2e

setup:
	@scripts/setup.sh

site: setup
	cargo leptos build --release --split --precompress

## Unit tests of `app` and the integration tests of `server`, in one build
## (release, like the site, so the two share most compiled crates); then the
## integration suite again on PostgreSQL (a throwaway cluster the tests start;
## the command-line, data-migration, schema, export/import and several-instance
## tests already run on both, or on PostgreSQL alone).
rust-tests: setup
	cargo fmt --all -- --check
	cargo test --release -p app -p server --features app/ssr
	NORTHSTAR_TEST_DATABASE=postgres cargo test --release -p server --features app/ssr --test it -- \
	  --skip cli:: --skip migrations:: --skip schema:: --skip transfer:: --skip instances:: --skip backup::

## CHROMIUM_PATH stays as given, and exported empty when unset: the
## journeys prove an empty value falls back to Debian's chromium.
e2e: site
	cd end2end && status=0; CHROMIUM_PATH="$${CHROMIUM_PATH:-}" npx playwright test || status=$$?; \
	  node scripts/failures.mjs; exit $$status

lint: setup
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

## Board-change propagation to 10, 100 and 1000 live clients, then Lighthouse on the
## main pages (numbers in docs/benchmarks.md).
bench: site
	ulimit -n 16384 && cargo bench -p server --bench board_propagation
	$(MAKE) bench-lighthouse

## Lighthouse's mobile audit of the main pages in Debian's chromium, signed in
## (bench/lighthouse/run.mjs; installs Lighthouse from npm the first time).
bench-lighthouse: site
	cd bench/lighthouse && ([ -d node_modules/lighthouse ] || npm ci --no-audit --no-fund) && node run.mjs $(LIGHTHOUSE_ARGS)

## The benchmarks that start the release binary build it with its site
## (`site`): `northstar serve` refuses to start without one.

## A check-in's fan-out to 1000 and 10000 office screens, against a bare websocket hub (docs/benchmarks.md).
bench-screens: site
	ulimit -n 16384 && cargo bench -p server --bench screen_fanout

## Office screens on two instances sharing one PostgreSQL database (5,000 each), beside one
## instance with 10,000 on SQLite and on PostgreSQL and the bare hub (docs/benchmarks.md).
bench-instances: site
	ulimit -n 16384 && cargo bench -p server --bench screen_fanout -- instances

## Check-ins a second from 8 and 32 concurrent writers for a minute each, on SQLite and on
## PostgreSQL in the same run (docs/benchmarks.md).
bench-checkins: site
	cargo bench -p server --bench checkin_throughput

## Lessons search latency at 100,000 and 1,000,000 closing notes on SQLite, and at 100,000
## on PostgreSQL (numbers in docs/benchmarks.md).
bench-lessons: setup
	cargo bench -p server --bench lessons_search

## The server killed with SIGKILL at random moments (50 times; more with
## `make bench-crash CRASH_ARGS=--kills=200`) under concurrent writers:
## every acknowledged write is there exactly once (docs/benchmarks.md).
bench-crash: site
	cargo bench -p server --bench crash -- $(CRASH_ARGS)

## 10,000 office screens and 200 board users for 30 minutes with a check-in a
## second: the server's memory, errors and fan-out p99 by minute
## (docs/benchmarks.md). Shorter: `make bench-soak SOAK_ARGS="--minutes=2 --screens=1000"`.
bench-soak: site
	ulimit -n $$(ulimit -Hn) && cargo bench -p server --bench soak -- $(SOAK_ARGS)
