package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
)

// Replicas: several processes open one PostgreSQL database, each with its
// own in-memory Index. Every write appends one entry per document to a change
// log table, in the transaction that writes the document's quads (see
// pgLogTx), and notifies the other processes. Follow reads the entries it has
// not seen, in version order, and applies each to the Index: it re-reads the
// merged state of the nodes the change touched, and adds or removes the
// facts it added or removed.
//
// Applying an entry is idempotent and checked against the database as it is
// now, not as it was at the entry's commit: a fact is added only if it is
// still stored (and not already in the index), removed only if it is no longer
// stored. So replaying entries the index already reflects (those committed
// between the version read at Open and Open's index scan, or older entries
// seen after a newer local write of the same document) changes nothing, and
// once every entry is applied the index matches the database.

// logEntry is one document's change in one transaction.
type logEntry struct {
	doc    string
	change logChange
}

// logChange is what a replica needs to bring its index up to date with one
// document's change: the nodes whose merged state may have changed, the
// initiatives whose mentions changed (their stage must be re-read), and the
// facts removed and added.
type logChange struct {
	Nodes     []string  `json:"nodes"`
	Mentioned []string  `json:"mentioned,omitempty"`
	Del       []logFact `json:"del,omitempty"`
	Add       []logFact `json:"add,omitempty"`
}

// logFact is a factEdge as the log keeps it.
type logFact struct {
	ID       string   `json:"id"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Via      string   `json:"via,omitempty"`
	Relation Relation `json:"rel"`
}

// summarize turns a transaction's removed and added quads into one log entry
// per document (per label).
func summarize(del, add []quad.Quad) []logEntry {
	type acc struct {
		nodes, mentioned map[string]bool
		del, add         map[quad.Value][]quad.Quad
	}
	docs := make(map[string]*acc)
	var order []string
	scan := func(qs []quad.Quad, added bool) {
		for _, q := range qs {
			doc := labelOf(q)
			a := docs[doc]
			if a == nil {
				a = &acc{nodes: map[string]bool{doc: true}, mentioned: map[string]bool{},
					del: map[quad.Value][]quad.Quad{}, add: map[quad.Value][]quad.Quad{}}
				docs[doc] = a
				order = append(order, doc)
			}
			sub := valString(q.Subject)
			switch {
			case strings.HasPrefix(sub, factPrefix):
				if added {
					a.add[q.Subject] = append(a.add[q.Subject], q)
				} else {
					a.del[q.Subject] = append(a.del[q.Subject], q)
				}
			case strings.HasPrefix(sub, mentionPrefix):
				if q.Predicate == pEntity {
					id := valString(q.Object)
					a.mentioned[id], a.nodes[id] = true, true
				}
			case isEntityPred[q.Predicate]:
				a.nodes[sub] = true
			}
		}
	}
	scan(del, false)
	scan(add, true)
	facts := func(m map[quad.Value][]quad.Quad) []logFact {
		var out []logFact
		for sub, qs := range m {
			id := valString(sub)
			if f, _, _ := decodeFact(id, qs); f != nil && f.To != "" {
				out = append(out, logFact{ID: id, From: f.From, To: f.To, Via: f.Via, Relation: f.Relation})
			}
		}
		slices.SortFunc(out, func(a, b logFact) int { return strings.Compare(a.ID, b.ID) })
		return out
	}
	out := make([]logEntry, 0, len(order))
	for _, doc := range order {
		a := docs[doc]
		out = append(out, logEntry{doc: doc, change: logChange{
			Nodes: sortedKeys(a.nodes), Mentioned: sortedKeys(a.mentioned), Del: facts(a.del), Add: facts(a.add),
		}})
	}
	return out
}

// FollowOptions tunes Follow.
type FollowOptions struct {
	// Poll is how often the change log is read when no notification
	// comes (default 1s). Notifications make the usual delay a few
	// milliseconds; polling bounds it when they are lost (a dropped
	// listening connection, a database restart).
	Poll time.Duration
	// Log receives errors and full reloads; nil discards them.
	Log *slog.Logger
	// Applied, if not nil, is called after each catch-up that changed the
	// index, with the last version applied and whether it took a full
	// rebuild.
	Applied func(version int64, rebuilt bool)
}

// Shared reports whether other processes can write to the store while it is
// open (a PostgreSQL database), so that Follow has something to do.
func (s *Store) Shared() bool {
	b, ok := s.be.(*pgBackend)
	return ok && b.db != nil
}

// Follow keeps the Index in step with writes made by other processes to the
// same PostgreSQL database, until ctx is cancelled or the Store is closed;
// then it returns nil. It returns at once for stores no other process can
// write (memory, bbolt) and for CockroachDB, which has no change log.
//
// It listens for notifications and polls every opts.Poll as a fallback. A
// replica that falls behind (started late, lost its connection, the
// database restarted) applies the entries it missed; if the log no longer
// has them (pruned after 7 days, or the database was recreated) it rebuilds
// the index from a full scan instead.
func (s *Store) Follow(ctx context.Context, opts FollowOptions) error {
	b, ok := s.be.(*pgBackend)
	if !ok || b.db == nil {
		return nil
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wake := make(chan struct{}, 1)
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	l := pq.NewListener(b.dsn, 50*time.Millisecond, 2*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventReconnected:
			poke() // notifications may have been lost while away
		case pq.ListenerEventConnectionAttemptFailed, pq.ListenerEventDisconnected:
			log.Warn("change log: listening connection lost", "err", err)
		}
	})
	defer l.Close()
	if err := l.Listen(pgChannel); err != nil {
		log.Warn("change log: cannot listen yet, polling", "err", err)
	}
	tick := time.NewTicker(opts.Poll)
	defer tick.Stop()
	b.mu.Lock()
	last := b.start
	b.mu.Unlock()
	failing := false
	for {
		v, rebuilt, changed, err := s.catchUp(ctx, b, last)
		switch {
		case errors.Is(err, ErrClosed) || ctx.Err() != nil:
			return nil
		case err != nil:
			if !failing {
				log.Warn("change log: catching up failed, will retry", "err", err)
			}
			failing = true
		default:
			if failing {
				log.Info("change log: caught up again", "version", v)
			}
			failing = false
			last = v
			b.followed(v)
			if changed && opts.Applied != nil {
				opts.Applied(v, rebuilt)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-l.Notify:
		case <-wake:
		case <-tick.C:
		}
	}
}

// catchUp applies the log entries after version last and returns the last
// version applied, whether it rebuilt the index, and whether it changed it.
func (s *Store) catchUp(ctx context.Context, b *pgBackend, last int64) (int64, bool, bool, error) {
	if err := s.checkOpen(); err != nil {
		return last, false, false, err
	}
	st, err := readLogState(ctx, b.db)
	if err != nil {
		return last, false, false, err
	}
	b.mu.Lock()
	epoch := b.epoch
	b.mu.Unlock()
	if st.epoch != epoch || st.last < last || st.pruned > last {
		// The log cannot say what changed since last: the database was
		// recreated, or the entries were pruned.
		if err := b.forgetCounts(); err != nil {
			return last, false, false, err
		}
		if err := s.RebuildIndex(ctx); err != nil {
			return last, false, false, err
		}
		b.mu.Lock()
		b.epoch, b.applied = st.epoch, st.last
		clear(b.own)
		b.mu.Unlock()
		return st.last, true, true, nil
	}
	changed := false
	for last < st.last {
		n, v, err := s.applyLog(ctx, b, last, st.last)
		if err != nil {
			return last, false, changed, err
		}
		changed = changed || n > 0
		last = v
	}
	return last, false, changed, nil
}

// applyLog applies up to a batch of entries in (after, upTo] and returns how
// many were applied and the last version read.
func (s *Store) applyLog(ctx context.Context, b *pgBackend, after, upTo int64) (int, int64, error) {
	const batch = 500
	rows, err := b.db.QueryContext(ctx, `SELECT version, document, change FROM policygraph_changes
		WHERE version > $1 AND version <= $2 ORDER BY version LIMIT $3`, after, upTo, batch)
	if err != nil {
		return 0, after, fmt.Errorf("read the change log: %w", err)
	}
	type entry struct {
		version int64
		doc     string
		change  logChange
	}
	var es []entry
	for rows.Next() {
		var e entry
		var js string
		if err := rows.Scan(&e.version, &e.doc, &js); err != nil {
			rows.Close()
			return 0, after, err
		}
		if err := json.Unmarshal([]byte(js), &e.change); err != nil {
			rows.Close()
			return 0, after, fmt.Errorf("change log entry %d: %w", e.version, err)
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, after, err
	}
	if len(es) == 0 {
		return 0, upTo, nil // only gaps left (rolled back transactions)
	}
	// Before the index changes, so that no Stats call sees the new index
	// with the old counts.
	if err := b.forgetCounts(); err != nil {
		return 0, after, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.checkOpen(); err != nil {
		return 0, after, err
	}
	n := 0
	for _, e := range es {
		b.mu.Lock()
		own := b.own[e.version]
		delete(b.own, e.version)
		b.mu.Unlock()
		if !own {
			if err := s.applyChange(ctx, b, &e.change); err != nil {
				return n, after, fmt.Errorf("apply change %d of %s: %w", e.version, e.doc, err)
			}
			n++
		}
		after = e.version
	}
	if len(es) < batch {
		after = upTo
	}
	return n, after, nil
}

// applyChange brings the index up to date with one logged change, checking
// each fact against the database as it is now. Called with writeMu held.
func (s *Store) applyChange(ctx context.Context, b *pgBackend, c *logChange) error {
	s.cache.forget(c.Nodes)
	s.cache.forget(c.Mentioned)
	ids := make([]string, 0, len(c.Del)+len(c.Add))
	for _, f := range c.Del {
		ids = append(ids, f.ID)
	}
	for _, f := range c.Add {
		ids = append(ids, f.ID)
	}
	live, err := b.liveFacts(ctx, ids)
	if err != nil {
		return err
	}
	mentioned := make(map[string]bool, len(c.Mentioned))
	for _, id := range c.Mentioned {
		mentioned[id] = true
	}
	known := func(id string) (Stage, bool) {
		if mentioned[id] {
			return "", false
		}
		if n, ok := s.index.Lookup(id); ok {
			return s.index.Node(n).Stage, true
		}
		return "", false
	}
	ents, docs, err := loadEntities(ctx, readerOf(b), c.Nodes, known)
	if err != nil {
		return err
	}
	ch := &indexChange{}
	for i, id := range c.Nodes {
		ch.nodes = append(ch.nodes, nodeUpdate{id: id, entity: ents[i], docs: docs[i]})
	}
	edge := func(f logFact) (factEdge, bool) {
		h, ok := parseHashID(factPrefix, f.ID)
		return factEdge{id: f.ID, from: f.From, to: f.To, via: f.Via, relation: f.Relation, hash: h}, ok
	}
	for _, f := range c.Del {
		if e, ok := edge(f); ok && !live[f.ID] {
			ch.delFacts = append(ch.delFacts, e)
		}
	}
	for _, f := range c.Add {
		if e, ok := edge(f); ok && live[f.ID] {
			ch.addFacts = append(ch.addFacts, e)
		}
	}
	s.index.apply(ch)
	return nil
}
