package main

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestChangesBetweenReports is the check, through the command as a
// user runs it: the seed report (成都, 2022) and a 2023 report of 成都
// written for this test (testdata/chengdu-2023-work-report.txt), which
// completes 成资市域(郊)铁路, starts 成都国际铁路港综合保税区二期 and no longer
// mentions 张老引水一期工程.
func TestChangesBetweenReports(t *testing.T) {
	db := filepath.Join(t.TempDir(), "changes.db")
	if r := runMain(t, "", "load", "--db", db, "../../seeds/chengdu-2022-work-report-part1.txt",
		"testdata/chengdu-2023-work-report.txt"); r.code != 0 {
		t.Fatalf("load: exit %d: %s", r.code, r.stderr)
	}
	r := runMain(t, "", "query", "--db", db,
		`{ changes(place: "成都", from: 2022, to: 2023, first: 500) { initiative { name } kind before after evidence { text } } }`)
	if r.code != 0 || len(r.resp.Errors) > 0 {
		t.Fatalf("query: exit %d: %s %+v", r.code, r.stderr, r.resp.Errors)
	}
	var cs []struct {
		Initiative    struct{ Name string }
		Kind          string
		Before, After *string
		Evidence      []struct{ Text string }
	}
	if err := json.Unmarshal(r.resp.Data["changes"], &cs); err != nil {
		t.Fatal(err)
	}
	kinds := make(map[string]string)
	for _, c := range cs {
		kinds[c.Initiative.Name] = c.Kind
		if len(c.Evidence) == 0 {
			t.Errorf("%s %s: no evidence", c.Kind, c.Initiative.Name)
		}
		switch c.Initiative.Name {
		case "成资市域(郊)铁路":
			if c.Before == nil || *c.Before != "UNDER_CONSTRUCTION" || c.After == nil || *c.After != "COMPLETED" ||
				c.Evidence[0].Text != "成资市域(郊)铁路建成通车,开行公交化列车,方便两地群众往来。" {
				t.Errorf("成资市域(郊)铁路: %+v", c)
			}
		case "张老引水一期工程":
			if c.After != nil || c.Evidence[0].Text != "建成张老引水一期工程,统一饮用水水源地保护执法标准。" {
				t.Errorf("张老引水一期工程: %+v", c)
			}
		}
	}
	for name, want := range map[string]string{
		"成资市域(郊)铁路":      "ADVANCED",
		"成都国际铁路港综合保税区二期": "NEW",
		"张老引水一期工程":       "DROPPED",
		"成德市域(郊)铁路":      "ADVANCED", // 启动建设 -> 加快建设
	} {
		if got := kinds[name]; got != want {
			t.Errorf("%s: got %q, want %s", name, got, want)
		}
	}
}
