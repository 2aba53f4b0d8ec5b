package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPageListsTheAnswerAsText checks the table under the picture: the
// connect answer for 成都 and 资阳 is in the DOM as text (成资市域(郊)铁路
// among it), sorts by stage when its header is clicked, copies as
// tab-separated text, and a row opens its panel.
func TestPageListsTheAnswerAsText(t *testing.T) {
	alloc := browser(t, 1280, 800)
	base := servePage(t)
	ctx := tab(t, alloc)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/?a=成都&b=资阳")); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx, 1)
	screenshot(t, ctx, "answer.png")
	names := eval[[]string](t, ctx, `[...document.querySelectorAll('#answer tbody tr td:first-child')].map(td => td.textContent)`)
	drawn := eval[int](t, ctx, `__pg.cy.nodes('[kind = "INITIATIVE"]').length`)
	if !slices.Contains(names, "成资市域(郊)铁路") || len(names) != drawn {
		t.Errorf("the answer table lists %q, want every one of the %d initiatives, 成资市域(郊)铁路 among them", names, drawn)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#answer th:nth-child(2) button`))); err != nil {
		t.Fatal(err)
	}
	if sort := eval[string](t, ctx, `document.querySelector('#answer th:nth-child(2)').getAttribute('aria-sort')`); sort != "ascending" {
		t.Errorf("the stage column's aria-sort is %q after a click, want ascending", sort)
	}
	order := []string{"谋划", "争创", "前期", "启动", "在建", "推进", "建成", "—"}
	stages := eval[[]string](t, ctx, `[...document.querySelectorAll('#answer tbody tr td:nth-child(2)')].map(td => td.textContent)`)
	if !slices.IsSortedFunc(stages, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) }) {
		t.Errorf("stages after sorting: %q, want them in the order %q", stages, order)
	}
	tsv := eval[string](t, ctx, `__pg.answerTSV()`)
	lines := strings.Split(strings.TrimSpace(tsv), "\n")
	if len(lines) != drawn+1 || !strings.HasPrefix(lines[0], "名称\t阶段\t类别\t地点\t文档") || !strings.Contains(tsv, "成资市域(郊)铁路\t在建\tRAIL\t") {
		t.Errorf("copied text:\n%s\nwant a header and one tab-separated line per initiative", tsv)
	}
	const rail = "initiative/成资市域铁路"
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#answer tr[data-id=%q] td`, rail)))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector('#panel').dataset.ready === %q`, rail),
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("clicking the railway's row did not open its panel: %v", err)
	}

	// In English, places go by their English names, in the picture and the table.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#lang"))); err != nil {
		t.Fatal(err)
	}
	if label := eval[string](t, ctx, `__pg.cy.getElementById('place/510100').data('label')`); label != "Chengdu" {
		t.Errorf("成都's label in English is %q, want Chengdu", label)
	}
	if places := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#answer tr[data-id=%q] td:nth-child(4)').textContent`, rail)); places != "Chengdu、Ziyang" {
		t.Errorf("the railway's places in English read %q, want Chengdu、Ziyang", places)
	}
}

// TestPageSaysAnErrorOnce asks about a name no place has: the page says so
// once, in the interface's language (Chinese, then English), the status
// line only flags it, and the server's suggestion 成都 is a button that
// asks again with it.
func TestPageSaysAnErrorOnce(t *testing.T) {
	alloc := browser(t, 1280, 800)
	base := servePage(t)
	ctx := tab(t, alloc)
	for _, c := range []struct{ lang, want, status string }{
		{"en", "Nothing is named “成都x”.", "Error"},
		{"zh", "找不到“成都x”。", "出错"},
	} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/?lang="+c.lang+"&a=成都x&b=资阳")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.__pg && __pg.status === 'error'`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("%s: the page shows no error for 成都x: %v", c.lang, err)
		}
		msg := eval[string](t, ctx, `document.querySelector('#error .message').textContent`)
		shown := eval[string](t, ctx, `document.querySelector('#error').innerText`)
		if msg != c.want || strings.Count(shown, "成都x") != 1 || strings.Contains(shown, "no entity") {
			t.Errorf("%s: the error reads %q (shown: %q), want %q once, without the server's English", c.lang, msg, shown, c.want)
		}
		if status := eval[string](t, ctx, `document.querySelector('#status').textContent`); status != c.status {
			t.Errorf("%s: status line %q, want only %q (the message is shown once, above)", c.lang, status, c.status)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#error button.suggestion[data-side="a"]`))); err != nil {
		t.Fatalf("no suggestion to click: %v", err)
	}
	waitDrawn(t, ctx, 1)
	if q, _ := url.ParseQuery(strings.TrimPrefix(eval[string](t, ctx, `location.search`), "?")); q.Get("a") != "成都" {
		t.Errorf("after the suggestion the URL asks a=%q, want 成都", q.Get("a"))
	}
	if visible := eval[bool](t, ctx, `!document.querySelector('#error').hidden`); visible {
		t.Error("the error is still shown after the corrected question was answered")
	}
	if !strings.Contains(eval[string](t, ctx, `document.querySelector('#answer').innerText`), "成资市域(郊)铁路") {
		t.Error("the corrected question's answer does not list 成资市域(郊)铁路")
	}
}
