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
# Release tooling, run with `go run` at a pinned version (a large module: kept
# out of go.mod and out of `make test`).
GORELEASER    := $(GO) run github.com/goreleaser/goreleaser/v2@v2.15.1
CONTAINER     ?= $(shell command -v podman 2>/dev/null || command -v docker 2>/dev/null)

# make install PREFIX=… DESTDIR=…: the usual places under PREFIX.
PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
BASHCOMPDIR   ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR    ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR   ?= $(PREFIX)/share/fish/vendor_completions.d

.PHONY: help build test lint vet staticcheck fmt-check docs docs-check demo bench fuzz clean \
	install uninstall lint-workflows release-check release-snapshot container

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-17s %s\n", $$1, $$2}'

build: ## build bin/provctl (static: no cgo, ~10 % less CPU per command, Go's own DNS resolver)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

test: build fmt-check vet staticcheck docs-check ## vet, staticcheck, docs up to date, go test -race (unit + end-to-end, CI examples and the action linted)
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

lint-workflows: ## only the CI checks of make test: actionlint on the docs' workflows and the action, shellcheck on snippets
	$(GO) test -count=1 -run '^(TestDocsWorkflows|TestActionlintFindsMistakes|TestDocsPipelines|TestDocsShellSnippets|TestActionMetadata)$$' -v .
	$(GO) test -count=1 -run 'TestScripts/.*/action$$' .

install: build ## install provctl, its man pages and bash/zsh/fish completions under $(DESTDIR)$(PREFIX)
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1" \
		"$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"
	install -m 0755 $(BIN) "$(DESTDIR)$(BINDIR)/provctl"
	install -m 0644 docs/man/*.1 "$(DESTDIR)$(MANDIR)/man1/"
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN) completion bash >"$$tmp/provctl" && \
	$(BIN) completion zsh >"$$tmp/_provctl" && \
	$(BIN) completion fish >"$$tmp/provctl.fish" && \
	install -m 0644 "$$tmp/provctl" "$(DESTDIR)$(BASHCOMPDIR)/provctl" && \
	install -m 0644 "$$tmp/_provctl" "$(DESTDIR)$(ZSHCOMPDIR)/_provctl" && \
	install -m 0644 "$$tmp/provctl.fish" "$(DESTDIR)$(FISHCOMPDIR)/provctl.fish" && \
	echo "installed provctl, $$(ls docs/man/*.1 | wc -l | tr -d ' ') man pages and completions under $(DESTDIR)$(PREFIX)"

uninstall: ## remove what make install put under $(DESTDIR)$(PREFIX)
	rm -f "$(DESTDIR)$(BINDIR)/provctl" "$(DESTDIR)$(BASHCOMPDIR)/provctl" \
		"$(DESTDIR)$(ZSHCOMPDIR)/_provctl" "$(DESTDIR)$(FISHCOMPDIR)/provctl.fish"
	cd docs/man && for f in *.1; do rm -f "$(DESTDIR)$(MANDIR)/man1/$$f"; done

release-check: ## validate .goreleaser.yaml (goreleaser check; the first run downloads and builds goreleaser)
	$(GORELEASER) check

release-snapshot: ## build every release archive and checksums.txt into bin/dist, publishing nothing
	$(GORELEASER) release --snapshot --clean

container: ## build the container image provctl:$(VERSION) from Containerfile (podman or docker)
	@test -n "$(CONTAINER)" || { echo "neither podman nor docker is installed"; exit 1; }
	$(CONTAINER) build -f Containerfile -t provctl:$(subst +,-,$(VERSION)) \
		--build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) .

clean:
	rm -rf bin
