# kubectl-stella + helm-stella. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := build

VERSION := $(shell sed -n 's/^version: *"\{0,1\}\([^"]*\)"\{0,1\} *$$/\1/p' plugin.yaml)
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
PKG     := github.com/stella-ops/stella-plugins/pkg/version
LDFLAGS := -s -w -X $(PKG).Version=$(VERSION) -X $(PKG).Commit=$(COMMIT)
GO      ?= go
E2E_TIMEOUT ?= 45m
# e2e tests marked t.Parallel() at once: they spend most of their time waiting on the cluster
E2E_PARALLEL ?= 4
FUZZTIME ?= 5s

export STELLA_REPO := $(CURDIR)
# One set of build settings for every go command of the module — vet, unit, fuzz, e2e and the
# plugin binaries — so that each package is compiled once, not once per setting: a cold machine
# compiles the Helm and client-go tree once instead of twice. test/cluster/build.sh builds the
# cluster's programs with the same settings from a tools module whose versions agree with ours
# (hack/modsync, checked by lint), so they share those compiles too.
export CGO_ENABLED := 0
export GOFLAGS := $(strip $(GOFLAGS) -trimpath)
# Flags of every `go test` of the module (unit, e2e, fault-apiserver; hack/fuzz.sh has the same):
# - -vet=off: make lint runs go vet with all its analyzers over every package and its test files, a
#   superset of the checks go test runs; go test's smaller set would vet every dependency again
#   (its facts are keyed by the analyzer set): ≈ 4 CPU-minutes on a cold machine;
# - -ldflags=-w: test binaries without DWARF link ≈ 25 % faster (stack traces are unchanged).
TESTFLAGS := -vet=off -ldflags=-w

.PHONY: help build unit unit-fuzz e2e test lint fmt cluster-up cluster-down cluster-build demo bench fuzz fuzz-ci tidy-check

help: ## list targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

build: ## build both plugins into bin/ (helm-stella is the entry, helm-stella-core the rest: docs/offline-kit.md)
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ ./kubectl-stella ./helm-stella
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/helm-stella-core ./helm-stella/core

unit: ## unit tests (no cluster; go vet runs in make lint)
	$(GO) test $(TESTFLAGS) -count=1 ./...

fuzz-ci: ## every fuzz target for a short budget ($(FUZZTIME) each), with the committed corpus
	@./hack/fuzz.sh $(FUZZTIME)

fuzz: ## every fuzz target for 2 minutes each
	@./hack/fuzz.sh 2m

e2e: build ## end-to-end tests on the local control plane (started and stopped by the tests); full log: .cache/e2e.json
	@mkdir -p .cache
	set -o pipefail; $(GO) test $(TESTFLAGS) -count=1 -json -tags e2e -parallel $(E2E_PARALLEL) -timeout $(E2E_TIMEOUT) ./test/e2e/... 2>&1 | \
	  tee .cache/e2e.json | $(GO) run ./hack/testsum

test: ## everything CI runs: lint, docs check, then unit + fuzz (short) beside e2e (e2e's binaries build in the background from the start)
	@hack/test.sh

# unit tests then the short fuzz run, one after the other in one job slot: CPU work that fits in
# the e2e suite's waits (as prerequisites, -j2 would run both and keep e2e waiting for a slot)
# Under make test (hack/test.sh) they first wait for the background build of e2e's binaries: on a
# cold machine their compiles would otherwise slow that build, which e2e waits for (warm, the
# build is a cache check and nothing waits).
unit-fuzz:
	@if [ -n "$$STELLA_PREBUILD_RC" ] && [ ! -e "$$STELLA_PREBUILD_RC" ]; then \
	  echo "unit, fuzz-ci: waiting for the background build of e2e's binaries (.cache/prebuild.log)"; fi
	@if [ -n "$$STELLA_PREBUILD_RC" ]; then while [ ! -e "$$STELLA_PREBUILD_RC" ]; do sleep 5; done; fi
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz-ci

lint: ## gofmt -s, go vet, go mod tidy diff, the tools module agrees with go.mod (hack/modsync)
	@bad=$$(gofmt -s -l $$(git ls-files '*.go' | grep -v '^test/cluster/tools/')); \
	  if [ -n "$$bad" ]; then echo "gofmt -s needed:"; echo "$$bad"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./test/e2e/...
	@cp go.mod /tmp/stella-go.mod.bak && cp go.sum /tmp/stella-go.sum.bak && $(GO) mod tidy && \
	  if ! git diff --quiet -- go.mod go.sum; then cp /tmp/stella-go.mod.bak go.mod; cp /tmp/stella-go.sum.bak go.sum; \
	  echo "go mod tidy changes go.mod/go.sum"; exit 1; fi
	@$(GO) run ./hack/modsync

cluster-build: ## build (or reuse from cache) the control-plane binaries and peer CLIs
	@test/cluster/build.sh

cluster-up: ## start the local control plane; prints the kubeconfig path
	@test/cluster/up.sh

cluster-down: ## stop exactly the processes cluster-up started
	@test/cluster/down.sh

demo: build ## rehearse the runbook on examples/stellaops against the local control plane
	@hack/demo.sh

DIST_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: dist docs docs-check
dist: ## cross-compile, archive (reproducibly), SHA256SUMS, helm plugin tarballs (+ .prov and stella-plugins.gpg when STELLA_SIGN_KEY/STELLA_SIGN_NAME name a key), krew/stella.yaml
	@rm -rf dist && mkdir -p dist/build
	@for p in $(DIST_PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; echo "build $$os/$$arch"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false -ldflags '$(LDFLAGS)' \
	    -o dist/build/$${os}_$${arch}/ ./kubectl-stella ./helm-stella || exit 1; \
	  ext=; [ $$os = windows ] && ext=.exe; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false -ldflags '$(LDFLAGS)' \
	    -o dist/build/$${os}_$${arch}/helm-stella-core$$ext ./helm-stella/core || exit 1; done
	$(GO) run ./hack/dist -version $(VERSION) -epoch $(SOURCE_DATE_EPOCH) -platforms "$(DIST_PLATFORMS)"
	@cat dist/SHA256SUMS

docs: build ## regenerate docs/commands from the cobra trees
	@rm -rf docs/commands && mkdir -p docs/commands
	@bin/kubectl-stella __gen-docs docs/commands && env -u HELM_MAX_HISTORY bin/helm-stella __gen-docs docs/commands

docs-check: build ## fail when docs/commands is not what the cobra trees generate
	@tmp=$$(mktemp -d) && bin/kubectl-stella __gen-docs $$tmp && env -u HELM_MAX_HISTORY bin/helm-stella __gen-docs $$tmp && \
	  diff -r docs/commands $$tmp >/dev/null || { echo "docs/commands is stale: run make docs"; diff -r docs/commands $$tmp | head -20; rm -rf $$tmp; exit 1; }; rm -rf $$tmp

.PHONY: bench bench-align bench-bookmark bench-verify bench-realnode bench-offlinekit
bench-align: ## align vs the yaml.v3 parse floor (2,000 components × 20 targets)
	@hack/bench-align.sh

bench-bookmark: ## kubectl stella bookmark vs helm history / helm status (50 revisions, ≈ 300 KB release)
	@hack/bench-bookmark.sh

bench-verify: ## verify-pods vs kubectl get pods / wait / rollout status on 5,000 pods
	@hack/bench-verify.sh

bench-realnode: ## crash loop on the real node: promote vs helm upgrade --atomic, verdict latency
	@hack/bench-realnode.sh
bench-offlinekit: ## offline-kit images vs crane pull (20 images, ≈ 200 MB) and align --check-registry (200 pins), on a loopback registry
	@hack/bench-offlinekit.sh

bench: ## every benchmark in one run; writes docs/benchmarks.md
	@hack/bench.sh

.PHONY: fault-apiserver
fault-apiserver: build ## only the kube-apiserver kill faults (a private control plane; also part of e2e)
	$(GO) test $(TESTFLAGS) -count=1 -v -tags e2e -timeout 20m ./test/e2e/apifault/
