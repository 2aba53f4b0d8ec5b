package main

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestGraphiQLLoadsOffline opens /graphiql in headless Chromium, whose every
// host name but loopback fails to resolve (see browser), runs a query
// through GraphiQL's own run button, and checks from the DevTools network
// events that the page asked nothing of any host but the test server: React
// and GraphiQL come from the embedded bundle, not a CDN.
func TestGraphiQLLoadsOffline(t *testing.T) {
	alloc := browser(t, 1280, 800)
	base := servePage(t)
	ctx := tab(t, alloc)
	server, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var requested, failed []string
	err = chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requested = append(requested, e.Request.URL)
		case *network.EventLoadingFailed:
			failed = append(failed, string(e.RequestID)+" "+e.ErrorText)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/graphiql")); err != nil {
		t.Fatal(err)
	}
	const editor = `.graphiql-query-editor .CodeMirror`
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(editor))); err != nil {
		t.Fatalf("GraphiQL's query editor did not render: %v", err)
	}
	if q := eval[string](t, ctx, `document.querySelector(`+"`"+editor+"`"+`).CodeMirror.getValue()`); !strings.Contains(q, "connect") {
		t.Errorf("the query editor holds %q, want the default connect query", q)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.graphiql-execute-button`))); err != nil {
		t.Fatalf("run button: %v", err)
	}
	const answer = `((document.querySelector('.graphiql-response') || {}).innerText || '')`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](answer+`.includes('成资市域(郊)铁路')`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the run gave no answer naming 成资市域(郊)铁路: %v\nresponse pane: %.500s", err, eval[string](t, ctx, answer))
	}
	screenshot(t, ctx, "graphiql.png")

	mu.Lock()
	defer mu.Unlock()
	if len(requested) == 0 {
		t.Fatal("no network events were seen: the check below would prove nothing")
	}
	sawGraphQL := false
	for _, u := range requested {
		p, err := url.Parse(u)
		if err != nil {
			t.Errorf("request to an unparsable URL %q", u)
			continue
		}
		switch {
		case p.Scheme == "data" || p.Scheme == "blob":
		case p.Host != server.Host:
			t.Errorf("GraphiQL requested %s: only %s may be asked", u, server.Host)
		case p.Path == "/graphql":
			sawGraphQL = true
		}
	}
	if !sawGraphQL {
		t.Errorf("no request went to /graphql among %q", requested)
	}
	if len(failed) > 0 {
		t.Errorf("requests failed: %q", failed)
	}
}
