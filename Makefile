# policygraph: two commands do everything on a fresh machine.
#   make run    build and serve the seeds on the embedded store at http://localhost:8080
#   make test   the checks CI runs: gofmt, go vet, generated code up to date, go test -race

DB   ?= ./policygraph.db
ADDR ?= :8080

.PHONY: run test build check-fmt check-generate bench

run:
	go run ./cmd/policygraph serve --db $(DB) --addr $(ADDR)

build:
	go build -o policygraph ./cmd/policygraph

check-fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

check-generate:
	go generate ./...
	@git diff --exit-code -- schema resolvers || (echo "go generate changed generated code: commit its output"; exit 1)

test: check-fmt check-generate
	go vet ./...
	go test -race -count=1 ./...

bench:
	go test -run '^$$' -bench . -benchmem ./graph ./loaders ./resolvers
