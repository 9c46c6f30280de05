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

build: ## build bin/provctl (static: no cgo, ~10 % less CPU per command, Go's own DNS resolver)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

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

# Markdown files with generated regions (the exit-code and environment tables of cmd/facts.go).
REGION_DOCS   := README.md docs/exit-codes.md docs/configuration.md

docs: ## regenerate docs/commands (Markdown), docs/man (man pages) and the generated tables
	$(GO) run ./cmd/gendocs -regions . docs

docs-check: ## fail when docs/commands, docs/man or the generated tables are stale
	@tmp=$$(mktemp -d); mkdir -p $$tmp/root/docs; \
	for f in $(REGION_DOCS); do cp $$f $$tmp/root/$$f || { rm -rf $$tmp; exit 1; }; done; \
	if ! $(GO) run ./cmd/gendocs -regions $$tmp/root $$tmp >/dev/null; then rm -rf $$tmp; exit 1; fi; \
	stale=""; \
	diff -r $$tmp/commands docs/commands >/dev/null || stale="$$stale docs/commands"; \
	diff -r $$tmp/man docs/man >/dev/null || stale="$$stale docs/man"; \
	for f in $(REGION_DOCS); do cmp -s $$tmp/root/$$f $$f || stale="$$stale $$f"; done; \
	rm -rf $$tmp; \
	if [ -n "$$stale" ]; then echo "stale generated docs:$$stale: run 'make docs'"; exit 1; fi

demo: build ## a short walkthrough against the built-in emulator
	./scripts/demo.sh

bench: build ## run the benchmarks: Go benchmarks, then a bulk run against the emulator
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./scripts/benchbulk -provctl $(BIN)
	$(GO) run ./scripts/benchpoll -provctl $(BIN)

fuzz: ## run each fuzz test for a short while (FUZZTIME, default 10s)
	./scripts/fuzz.sh $${FUZZTIME:-10s}

clean:
	rm -rf bin
