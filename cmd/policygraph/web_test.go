package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policygraph/policygraph/web"
)

// The browser tests drive the real page in headless Chromium against the
// real server on a memory store loaded with the seed. They need
// POLICYGRAPH_TEST_CHROMIUM (a Chromium binary; make test sets it and
// .ci/setup-chromium.sh installs Debian's chromium) and the page bundle
// (make web). Screenshots go to POLICYGRAPH_TEST_ARTEFACTS when set (e.g.
// docs/screenshots to refresh the README's pictures), else to a temp dir.
//
//	make web && POLICYGRAPH_TEST_CHROMIUM=/usr/bin/chromium go test -run Page ./cmd/policygraph

// browser returns a chromedp allocator context for a fresh headless
// Chromium that can reach loopback only, or skips the test.
func browser(tb testing.TB, width, height int) context.Context {
	tb.Helper()
	bin := os.Getenv("POLICYGRAPH_TEST_CHROMIUM")
	if bin == "" {
		tb.Skip("browser test: set POLICYGRAPH_TEST_CHROMIUM to a Chromium binary (make test does; .ci/setup-chromium.sh installs it)")
	}
	if _, err := os.Stat(bin); err != nil {
		tb.Skipf("browser test: POLICYGRAPH_TEST_CHROMIUM=%s: %v (run .ci/setup-chromium.sh)", bin, err)
	}
	if !web.Built() {
		tb.Skip("browser test: the page bundle is not embedded: run make web, then go test")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("force-color-profile", "srgb"),
		// Every name but loopback fails to resolve: the page must need no network.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(width, height),
	}
	ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tb.Cleanup(cancel)
	return ctx
}

// tab opens a new tab in the browser of alloc, with a time limit.
func tab(tb testing.TB, alloc context.Context) context.Context {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(alloc)
	tb.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	tb.Cleanup(cancelTimeout)
	return ctx
}

func artefactDir(tb testing.TB) string {
	if d := os.Getenv("POLICYGRAPH_TEST_ARTEFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
		return d
	}
	return tb.TempDir()
}

func screenshot(tb testing.TB, ctx context.Context, name string) {
	tb.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(artefactDir(tb), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("screenshot: %s", path)
}

// waitDrawn waits until the page has drawn its view at least n times and
// is idle.
func waitDrawn(tb testing.TB, ctx context.Context, n int) {
	tb.Helper()
	expr := fmt.Sprintf(`window.__pg && __pg.renders >= %d && (__pg.status === 'ready' || __pg.status === 'error')`, n)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		tb.Fatalf("the page did not draw: %v", err)
	}
	if msg := eval[string](tb, ctx, `__pg.error`); msg != "" {
		tb.Fatalf("the page shows an error: %s", msg)
	}
}

func eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// clickNode clicks the drawn node with the mouse, as a user would; clicks
// 2 is a double-click.
func clickNode(tb testing.TB, ctx context.Context, id string, clicks ...int) {
	tb.Helper()
	pos := eval[[]float64](tb, ctx, fmt.Sprintf(`(() => {
		const n = __pg.cy.getElementById(%q);
		if (n.empty()) return [];
		const p = n.renderedPosition(), r = __pg.cy.container().getBoundingClientRect();
		return [r.left + p.x, r.top + p.y];
	})()`, id))
	if len(pos) != 2 {
		tb.Fatalf("node %s is not drawn", id)
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(pos[0], pos[1])); err != nil {
		tb.Fatal(err)
	}
	if len(clicks) > 0 && clicks[0] == 2 {
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(pos[0], pos[1], chromedp.ClickCount(2))); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestPageConnectsChengduAndZiyang(t *testing.T) {
	alloc := browser(t, 1280, 800)
	base := servePage(t)
	ctx := tab(t, alloc)

	// Ask the question through the form, picking each side from the suggestions.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/?lang=zh")); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx, 1)
	for _, side := range []struct{ input, text, id string }{
		{"#a", "成都", "place/510100"},
		{"#b", "资阳", "place/512000"},
	} {
		item := fmt.Sprintf(`%s + ul li[data-id=%q]`, side.input, side.id)
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(side.input), side.text),
			chromedp.WaitVisible(chromedp.CSS(item)),
			chromedp.Click(chromedp.CSS(item)),
		); err != nil {
			t.Fatalf("suggestion %s for %s: %v", side.id, side.text, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#go"))); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx, 2)

	names := eval[[]string](t, ctx, `__pg.cy.nodes(':visible').map(n => n.data('name'))`)
	for _, want := range []string{"成都", "资阳", "成资市域(郊)铁路"} {
		if !slices.Contains(names, want) {
			t.Errorf("drawn nodes %q lack %s", names, want)
		}
	}
	edges := eval[[]string](t, ctx, `__pg.cy.edges().map(e => e.id())`)
	for _, want := range []string{"initiative/成资市域铁路|CONNECTS|place/510100", "initiative/成资市域铁路|CONNECTS|place/512000"} {
		if !slices.Contains(edges, want) {
			t.Errorf("drawn edges lack %s", want)
		}
	}
	loc := eval[string](t, ctx, `location.search`)
	if q, _ := url.ParseQuery(strings.TrimPrefix(loc, "?")); q.Get("a") != "成都" || q.Get("b") != "资阳" {
		t.Errorf("URL query %q does not hold the question a=成都 b=资阳", loc)
	}
	t.Logf("connect view: %d nodes, first drawn layout %.0f ms", len(names), eval[float64](t, ctx, `__pg.lastLayoutMs`))
	screenshot(t, ctx, "connect.png")

	// Click the railway: the panel explains it with its evidence.
	const rail = "initiative/成资市域铁路"
	clickNode(t, ctx, rail)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector('#panel').dataset.ready === %q`, rail),
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the panel did not open for %s: %v", rail, err)
	}
	panel := eval[string](t, ctx, `document.querySelector('#panel').innerText`)
	for _, want := range []string{"成资市域(郊)铁路", "在建", "加快建设成资市域(郊)铁路,启动建设成德、成眉市域(郊)铁路", "(一) 加快建强都市圈", "成都市人民政府", "成德眉资同城化"} {
		if !strings.Contains(panel, want) {
			t.Errorf("panel lacks %q:\n%s", want, panel)
		}
	}
	marks := eval[[]string](t, ctx, `[...document.querySelectorAll('#panel .evidence mark')].map(m => m.textContent)`)
	if len(marks) == 0 || marks[0] != "成资市域(郊)铁路" {
		t.Errorf("highlighted spans = %q, want 成资市域(郊)铁路 first", marks)
	}
	if sel := eval[string](t, ctx, `new URLSearchParams(location.search).get('sel')`); sel != rail {
		t.Errorf("URL sel = %q, want %q", sel, rail)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#fit"))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "evidence.png")

	// Both exports of the view work in the page.
	if n := eval[int](t, ctx, `__pg.exportJSON().elements.nodes.length`); n != len(names) {
		t.Errorf("Cytoscape JSON export has %d nodes, want %d", n, len(names))
	}
	if size := eval[int](t, ctx, `__pg.exportPNG().size`); size < 10_000 {
		t.Errorf("PNG export is %d bytes, want a picture", size)
	}
}

// view is what a shared link must reproduce.
type view struct {
	Nodes    []string             `json:"nodes"`
	Visible  []string             `json:"visible"`
	Pos      map[string][]float64 `json:"pos"`
	Panel    string               `json:"panel"`
	Lang     string               `json:"lang"`
	Expanded []string             `json:"expanded"`
}

const readView = `(() => {
	const cy = __pg.cy, pos = {};
	cy.nodes().forEach(n => { const p = n.position(); pos[n.id()] = [p.x, p.y]; });
	return {
		nodes: cy.nodes().map(n => n.id()).sort(),
		visible: cy.elements(':visible').map(e => e.id()).sort(),
		pos,
		panel: document.querySelector('#panel').dataset.ready || '',
		lang: document.documentElement.lang,
		expanded: __pg.state.exp,
	};
})()`

func TestPageSharedLinkReopensTheView(t *testing.T) {
	alloc := browser(t, 1280, 800)
	base := servePage(t)

	// The sender: connect, expand the railway, hide bodies, select 资阳, switch to English.
	ctx := tab(t, alloc)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/?a=成都&b=资阳")); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx, 1)
	before := eval[int](t, ctx, `__pg.cy.nodes().length`)
	clickNode(t, ctx, "initiative/成资市域铁路", 2) // a double-click expands the node
	waitDrawn(t, ctx, 2)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#f-kind input[value="BODY"]`)),
		chromedp.Click(chromedp.CSS(`#lang`)),
	); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx, 3)
	clickNode(t, ctx, "place/512000")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#panel').dataset.ready === 'place/512000'`)); err != nil {
		t.Fatal(err)
	}
	sent := eval[view](t, ctx, readView)

	link := eval[string](t, ctx, `location.href`)
	t.Logf("shared link: %s", link)

	// The receiver opens the link in another browser with a fresh profile.
	ctx2 := tab(t, browser(t, 1280, 800))
	if err := chromedp.Do(ctx2, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx2, 1)
	if _, err := chromedp.Run(ctx2, chromedp.Poll[bool](`document.querySelector('#panel').dataset.ready === 'place/512000'`)); err != nil {
		t.Fatalf("the shared link did not reopen the panel: %v", err)
	}
	got := eval[view](t, ctx2, readView)

	if !slices.Equal(got.Nodes, sent.Nodes) {
		t.Errorf("reopened nodes %q, want %q", got.Nodes, sent.Nodes)
	}
	if !slices.Equal(got.Visible, sent.Visible) {
		t.Errorf("reopened visible elements differ: got %d, want %d", len(got.Visible), len(sent.Visible))
	}
	if got.Panel != sent.Panel || got.Lang != "en" || !slices.Equal(got.Expanded, sent.Expanded) {
		t.Errorf("reopened panel %q lang %q expanded %q, want %q en %q", got.Panel, got.Lang, got.Expanded, sent.Panel, sent.Expanded)
	}
	for id, p := range sent.Pos {
		q := got.Pos[id]
		if len(q) != 2 || abs(p[0]-q[0]) > 1 || abs(p[1]-q[1]) > 1 {
			t.Errorf("node %s at %v, want %v: the layout is not the same picture", id, q, p)
		}
	}
	if len(sent.Nodes) <= before {
		t.Errorf("the expansion added no nodes to the %d of the connect view", before)
	}
	if slices.Contains(got.Visible, "body/成都市人民政府") {
		t.Errorf("the kind filter (no bodies) was not reopened")
	}
	panel := eval[string](t, ctx2, `document.querySelector('#panel').innerText`)
	if !strings.Contains(panel, "Evidence") || !strings.Contains(panel, "资阳") {
		t.Errorf("reopened panel is not the English panel of 资阳:\n%s", panel)
	}
}

func TestPageFitsANarrowWindow(t *testing.T) {
	alloc := browser(t, 390, 844)
	base := servePage(t)
	ctx := tab(t, alloc)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/?a=成都&b=资阳&sel=initiative/成资市域铁路"),
	); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx, 1)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#panel').dataset.ready !== ''`)); err != nil {
		t.Fatal(err)
	}
	if overflow := eval[float64](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); overflow > 0 {
		t.Errorf("the page is %v px wider than a 390 px window", overflow)
	}
	if h := eval[float64](t, ctx, `__pg.cy.height()`); h < 300 {
		t.Errorf("graph area is %v px high in a narrow window, want ≥ 300", h)
	}
	screenshot(t, ctx, "narrow.png")
}

// servePage runs the serve command on a memory store loaded with the seed,
// on a free loopback port, until the test ends, and returns its base URL.
func servePage(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--addr", "127.0.0.1:0", "--db", "memory"}, io.Discard, &logs)
	}()
	tb.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			tb.Error("serve did not stop within 10 s of cancellation")
		}
	})
	addr := regexp.MustCompile(`msg=serving addr=(\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := addr.FindStringSubmatch(logs.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case err := <-done:
			done <- err
			tb.Fatalf("serve stopped early: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	tb.Fatalf("serve did not start:\n%s", logs.String())
	return ""
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// BenchmarkPageLayout times the first drawn layout in headless Chromium: the
// seed graph (everything within 6 hops of 成都) and a synthetic graph of
// 2,000 nodes and 5,000 edges fed to the same layout code.
//
//	make web && POLICYGRAPH_TEST_CHROMIUM=/usr/bin/chromium go test -run '^$' -bench PageLayout -benchtime 5x ./cmd/policygraph
func BenchmarkPageLayout(b *testing.B) {
	alloc := browser(b, 1280, 800)
	base := servePage(b)
	ctx := tab(b, alloc)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/?a=成都&b=资阳")); err != nil {
		b.Fatal(err)
	}
	waitDrawn(b, ctx, 1)
	b.Run("seed", func(b *testing.B) {
		var ms float64
		var size struct{ Nodes, Edges int }
		for b.Loop() {
			r := eval[struct {
				Nodes, Edges int
				Ms           float64
			}](b, ctx, `__pg.benchSeed()`)
			ms += r.Ms
			size.Nodes, size.Edges = r.Nodes, r.Edges
		}
		b.ReportMetric(ms/float64(b.N), "ms/layout")
		b.ReportMetric(float64(size.Nodes), "nodes")
		b.ReportMetric(float64(size.Edges), "edges")
	})
	b.Run("synthetic-2000x5000", func(b *testing.B) {
		var ms float64
		for b.Loop() {
			ms += eval[float64](b, ctx, `__pg.benchLayout(2000, 5000)`)
		}
		b.ReportMetric(ms/float64(b.N), "ms/layout")
	})
}
