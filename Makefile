# policygraph: two commands do everything on a fresh machine.
#   make run    build the web page and serve the seeds on the embedded store at http://localhost:8080
#   make test   install and start what the tests need, then the checks CI runs:
#               gofmt, go generate leaves no diff, go vet, staticcheck, go test -race ./...,
#               10,000 fuzz inputs per target (CI_FUZZTIME)
#
# Tests that need a server read its address from the environment and skip
# without it; `make test` starts the servers and sets the variables:
#   POLICYGRAPH_TEST_POSTGRES  a PostgreSQL DSN (set up by .ci/setup-postgres.sh)
#   POLICYGRAPH_TEST_CHROMIUM  the Chromium binary for browser tests (.ci/setup-chromium.sh)
#   POLICYGRAPH_TEST_PYTHON    a Python with rdflib and networkx, which read the exports (.ci/setup-python.sh)

DB   ?= ./policygraph.db
ADDR ?= :8080

export POLICYGRAPH_TEST_POSTGRES ?= postgres://policygraph:policygraph@127.0.0.1:5432/policygraph_test?sslmode=disable
export POLICYGRAPH_TEST_CHROMIUM ?= /usr/bin/chromium
export POLICYGRAPH_TEST_PYTHON ?= /usr/bin/python3

.PHONY: run test build web deps check-fmt check-generate lint bench fuzz

run: web
	go run ./cmd/policygraph serve --db $(DB) --addr $(ADDR)

# The commit goes in with -X too: go build stamps none in a git worktree or
# with -buildvcs=false, and policygraph --version should name it.
COMMIT_FLAG = -ldflags "-X main.commit=$(shell git rev-parse HEAD 2>/dev/null)"

build: web
	go build $(COMMIT_FLAG) -o policygraph ./cmd/policygraph

# web builds the network explorer bundle when the web/ package exists.
web:
	@if [ -f web/package.json ]; then cd web && npm ci --no-audit --no-fund && npm run build; fi

# deps installs and starts the servers the tests need (each script is idempotent).
deps:
	@for s in .ci/setup-*.sh; do if [ -f "$$s" ]; then echo "== $$s"; bash "$$s" || exit 1; fi; done

check-fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

check-generate:
	go generate ./...
	@git diff --exit-code -- schema resolvers || (echo "go generate changed generated code: commit its output"; exit 1)

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	go vet ./...
	go run $(STATICCHECK) ./...

test: deps web check-fmt check-generate lint
	@if [ -f web/package.json ]; then cd web && npm test; fi
	go test -race -count=1 -timeout 30m ./...
	$(MAKE) fuzz FUZZTIME=$(CI_FUZZTIME) FUZZMINIMIZE=$(CI_FUZZMINIMIZE)

bench:
	go test -run '^$$' -bench . -benchmem ./graph ./loaders ./resolvers

# make test fuzzes each target for CI_FUZZTIME too (a bounded run; longer with make fuzz).
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can fail a run
# with a bare "context deadline exceeded" when its deadline races a busy worker
# (golang/go#75804, fixed in Go 1.27); FuzzNormalize failed so on a fresh clone with no
# crasher. 10,000 inputs take FuzzNormalize, the slowest target, about 6 s on an idle machine.
CI_FUZZTIME ?= 10000x
# Go spends up to -fuzzminimizetime (60 s by default) minimising each new input,
# outside the count: one FuzzMentions run of make test stood at 219 inputs for 80 s
# after finding two. make test bounds it; make fuzz keeps Go's default.
CI_FUZZMINIMIZE ?= 5s
FUZZMINIMIZE ?= 60s

# fuzz runs each fuzz target for FUZZTIME on one worker (go test runs them
# over their corpus only). Keep what it finds under */testdata/fuzz/.
FUZZTIME ?= 45s
fuzz:
	for t in FuzzNormalize FuzzStructure FuzzMentions; do \
		go test ./loaders -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) -parallel 1 || exit 1; done
	go test ./resolvers -run '^$$' -fuzz '^FuzzGraphQL$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) -parallel 1
