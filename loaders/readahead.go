package loaders

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// readParagraph finds the mentions of one paragraph, clause by clause within
// sentence by sentence, with the stages of the lists they form and the
// targets: the part of extraction that reads only the text and the
// gazetteer, so paragraphs can be read in any order and at once. Groups are
// numbered per paragraph; they join mentions of one clause only.
func (gz *Gazetteer) readParagraph(d *Doc, p *Paragraph) [][][]mention {
	group := 0
	out := make([][][]mention, len(p.Sentences))
	for si := range p.Sentences {
		st := &p.Sentences[si]
		cs := make([][]mention, len(st.Clauses))
		for ci, c := range st.Clauses {
			ms := gz.mentionsIn(d, c)
			ms = gz.expand(d, c, ms, &group)
			stages := gz.stageOf(d, c, ms)
			for i := range ms {
				if ms[i].kind == mInitiative {
					ms[i].stage = stages[ms[i].group]
				}
			}
			cs[ci] = append(ms, gz.targetsIn(d, c)...)
		}
		out[si] = cs
	}
	return out
}

// readAheadMin is the number of paragraphs from which a document's
// paragraphs are read on other goroutines while the builder works through
// the ones already read; a short document is read in line.
const readAheadMin = 16

// readAhead reads the paragraphs todo (indexes into d.Paragraphs) ahead of
// the caller: read(k) returns the mentions of todo[k], in order k = 0, 1, ...
// Finding mentions is about half of extraction and needs nothing the builder
// holds, so with a spare core the two run side by side (a large upload's
// answer comes sooner; `load` already extracts several files at once). At
// most a window of paragraphs waits unread by the builder, so memory stays
// that of a few paragraphs. stop ends the readers; call it when done, also
// on an early return. A panic in a reader is raised again in read, on the
// caller's goroutine, where the server's recovery sees it.
func (gz *Gazetteer) readAhead(d *Doc, todo []int) (read func(k int) [][][]mention, stop func()) {
	workers := min(runtime.GOMAXPROCS(0)-1, 3)
	if workers < 1 || len(todo) < readAheadMin {
		return func(k int) [][][]mention {
			return gz.readParagraph(d, &d.Paragraphs[todo[k]])
		}, func() {}
	}
	type result struct {
		ms    [][][]mention
		panic any
		stack []byte
	}
	results := make([]chan result, len(todo))
	for k := range results {
		results[k] = make(chan result, 1)
	}
	window := make(chan struct{}, 8*workers) // a token per paragraph read and not yet taken
	next := make(chan int)
	done := make(chan struct{})
	go func() {
		defer close(next)
		for k := range todo {
			select {
			case window <- struct{}{}:
			case <-done:
				return
			}
			select {
			case next <- k:
			case <-done:
				return
			}
		}
	}()
	for range workers {
		go func() {
			for k := range next {
				func() {
					defer func() {
						if p := recover(); p != nil {
							results[k] <- result{panic: p, stack: debug.Stack()}
						}
					}()
					results[k] <- result{ms: gz.readParagraph(d, &d.Paragraphs[todo[k]])}
				}()
			}
		}()
	}
	read = func(k int) [][][]mention {
		r := <-results[k]
		<-window
		if r.panic != nil {
			panic(fmt.Sprintf("%v\n\nreading paragraph %d on another goroutine:\n%s", r.panic, todo[k], r.stack))
		}
		return r.ms
	}
	return read, func() { close(done) }
}
