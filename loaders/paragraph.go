package loaders

// readParagraph finds the mentions of one paragraph, clause by clause within
// sentence by sentence, with the stages of the lists they form and the
// targets: the part of extraction that reads only the text and the
// gazetteer, none of the builder's state. Groups are numbered per paragraph;
// they join mentions of one clause only.
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
