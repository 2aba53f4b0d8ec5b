package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestPageMapView opens the connect answer for 成都 and 资阳 in the map view
// (view=map), in a Chromium that can reach loopback only, and checks what
// it draws: the two approximate province outlines, the sides as dots at
// their seats (成都 west of and north of 资阳), 成资市域(郊)铁路 as a line
// between them, the caption that says the outlines are approximate; then
// clicks the line and finds the railway's panel.
func TestPageMapView(t *testing.T) {
	alloc := browser(t, 1280, 800)
	base := servePage(t)
	ctx := tab(t, alloc)

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/?a=成都&b=资阳&view=map")); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx, 1)
	// The background seats arrive in a second answer; wait for the map that has them.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#map .ref').length > 0`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the map shows no reference seats: %v", err)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#map polygon.outline').length`); n != 2 {
		t.Errorf("%d province outlines drawn, want 2 (四川, 重庆)", n)
	}
	if vis := eval[string](t, ctx, `getComputedStyle(document.querySelector('#cy')).visibility`); vis != "hidden" {
		t.Errorf("the network canvas is %s in the map view, want hidden", vis)
	}
	centre := func(id string) []float64 {
		return eval[[]float64](t, ctx, fmt.Sprintf(`(() => {
			const e = document.querySelector('#map [data-id=%q]');
			if (!e) return [];
			const r = e.getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2];
		})()`, id))
	}
	cd, zy := centre("place/510100"), centre("place/512000")
	if len(cd) != 2 || len(zy) != 2 {
		t.Fatalf("成都 (%v) or 资阳 (%v) is not on the map", cd, zy)
	}
	if !(cd[0] < zy[0] && cd[1] < zy[1]) {
		t.Errorf("成都 at %v and 资阳 at %v on screen: want 成都 north-west of 资阳", cd, zy)
	}
	const rail = "initiative/成资市域铁路"
	if class := eval[string](t, ctx, fmt.Sprintf(`(document.querySelector('#map [data-id=%q]') || {getAttribute: () => ''}).getAttribute('class')`, rail)); !strings.Contains(class, "line") {
		t.Errorf("成资市域(郊)铁路 is drawn with class %q, want a line between 成都 and 资阳", class)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#map .initiative').length`); n < 2 {
		t.Errorf("%d initiatives drawn on the map, want the connect answer's", n)
	}
	if note := eval[string](t, ctx, `(document.querySelector('#map .note') || {}).textContent || ''`); !strings.Contains(note, "近似") {
		t.Errorf("the map's caption %q does not say the outlines are approximate", note)
	}
	if status := eval[string](t, ctx, `document.querySelector('#status').textContent`); !strings.Contains(status, "地图") {
		t.Errorf("status %q, want the map's count", status)
	}
	screenshot(t, ctx, "map.png")

	// The wheel zooms in around the mouse: 成都 and 资阳 move apart.
	for range 4 {
		if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseWheel, cd[0], cd[1], func(p *input.DispatchMouseEventParams) {
			p.DeltaX, p.DeltaY = 0.01, -300 // DevTools refuses a wheel event without deltaX, and omits a zero
		})); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => {
		const r = (id) => document.querySelector('#map [data-id="' + id + '"]').getBoundingClientRect();
		return Math.abs(r('place/512000').left - r('place/510100').left) > 100;
	})()`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the wheel did not zoom the map in: 成都 at %v, 资阳 at %v", centre("place/510100"), centre("place/512000"))
	}
	screenshot(t, ctx, "map-zoomed.png")

	// Click the middle of the railway's own line, as a user would.
	mid := eval[[]float64](t, ctx, fmt.Sprintf(`(() => {
		const e = document.querySelector('#map [data-id=%q]');
		const p = e.getPointAtLength(e.getTotalLength() / 2), m = e.getScreenCTM();
		return [p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f];
	})()`, rail))
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(mid[0], mid[1])); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector('#panel').dataset.ready === %q`, rail),
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("clicking the line did not open the railway's panel: %v", err)
	}
	if sel := eval[string](t, ctx, `new URLSearchParams(location.search).get('sel') + ' ' + new URLSearchParams(location.search).get('view')`); sel != rail+" map" {
		t.Errorf("URL keeps %q, want the selection and the map view", sel)
	}
}
