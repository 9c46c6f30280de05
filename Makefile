# provctl — build, test, demo. `make help` lists the targets.
GO            ?= go
BIN           := bin/provctl
PKG           := github.com/provctl/provctl
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT        ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS       := -s -w -X $(PKG)/cmd.version=$(VERSION) -X $(PKG)/cmd.commit=$(COMMIT)
GOBIN         ?= $(shell $(GO) env GOPATH)/bin
STATICCHECK   := $(GOBIN)/staticcheck
STATICCHECK_VERSION := v0.8.2

.PHONY: help build test lint vet staticcheck fmt-check docs docs-check demo bench fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/provctl
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

test: build fmt-check vet staticcheck docs-check ## vet, staticcheck, docs up to date, go test -race (unit + end-to-end)
	$(GO) test -race -count=1 ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

docs: ## regenerate docs/commands (Markdown) and docs/man (man pages)
	$(GO) run ./cmd/gendocs docs

docs-check: ## fail when docs/commands or docs/man are stale
	@tmp=$$(mktemp -d); $(GO) run ./cmd/gendocs $$tmp >/dev/null && \
	if ! diff -r $$tmp/commands docs/commands >/dev/null || ! diff -r $$tmp/man docs/man >/dev/null; then \
		echo "docs/commands or docs/man are stale: run 'make docs'"; rm -rf $$tmp; exit 1; fi; rm -rf $$tmp

demo: build ## a short walkthrough against the built-in emulator
	./scripts/demo.sh

bench: ## run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

fuzz: ## run each fuzz test for a short while (FUZZTIME, default 10s)
	./scripts/fuzz.sh $${FUZZTIME:-10s}

clean:
	rm -rf bin
