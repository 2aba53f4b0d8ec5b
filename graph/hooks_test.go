package graph

import "context"

// Hooks for the external tests of this package.

// SetBatchQuadsForTest sets how many quads WriteDocuments puts in one
// transaction, so that a test can write several with a few documents.
func (s *Store) SetBatchQuadsForTest(n int) { s.batchQuads = n }

// rebuiltIndex builds a fresh index from what s stores, leaving s's own
// index and entity cache alone.
func (s *Store) rebuiltIndex(ctx context.Context) (*Index, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	return buildIndex(ctx, r)
}

// EntitiesUncachedForTest reads entities from the store as Entities does,
// without the entity cache.
func (s *Store) EntitiesUncachedForTest(ctx context.Context, ids []string) ([]*Entity, error) {
	r, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	ents, _, err := loadEntities(ctx, r, ids, nil)
	return ents, err
}

// RebuiltIndexForTest is rebuiltIndex for graph_test.
func (s *Store) RebuiltIndexForTest(ctx context.Context) (*Index, error) { return s.rebuiltIndex(ctx) }
