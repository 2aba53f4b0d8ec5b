package resolvers

// WithoutPlain makes s answer every field through gqlgen, as before plain.go,
// so that tests can compare the two.
func WithoutPlain(s *Server) *Server {
	s.noPlain = true
	return s
}

// PlainServed returns how many root fields plain.go has answered for s.
func PlainServed(s *Server) int64 { return s.plainServed.Load() }
