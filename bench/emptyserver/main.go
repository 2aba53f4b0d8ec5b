// Command emptyserver answers every request to /graphql with the same 31
// bytes, {"data":{"__typename":"Query"}}, after reading its body: the least
// a Go HTTP server can do. Beside policygraph's server, under the same load
// from bench/httpload, it shows what of a latency or its tail belongs to
// net/http, the kernel and the machine rather than to the answer.
//
//	go run ./bench/emptyserver -addr 127.0.0.1:18095 &
//	go run ./bench/httpload -c 16,1 -q connect,empty empty=http://127.0.0.1:18095 policygraph=http://127.0.0.1:18088
//
// It is a benchmark tool, not part of policygraph.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18095", "address to listen on")
	flag.Parse()
	answer := []byte(`{"data":{"__typename":"Query"}}`)
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	})
	if err := http.ListenAndServe(*addr, mux); err != nil {
		fmt.Fprintln(os.Stderr, "emptyserver:", err)
		os.Exit(1)
	}
}
