package graph

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// ErrDamaged is what a *DamagedError is (errors.Is).
var ErrDamaged = errors.New("the store file is damaged")

// DamagedError is returned (wrapped) by Open for a bbolt file that is not
// whole: cut short, with a page overwritten, or not a bbolt file at all.
type DamagedError struct {
	Path   string
	Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%s is damaged (%s): restore it from a backup, or load an N-Quads export into a new store "+
		"(policygraph load --db NEW.db --nquads BACKUP.nq); move the damaged file aside first", e.Path, e.Reason)
}

func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// The parts of bbolt's file format (version 2) checkBoltFile reads. Every
// page starts with a header: its id (8 bytes), flags (2), a count (2) and
// the number of overflow pages (4). Pages 0 and 1 are meta pages; after
// the header a meta holds magic (4), version (4), page size (4), flags (4),
// the root bucket's page id (8) and sequence (8), the freelist's page id
// (8), the number of pages in use (8), the transaction id (8) and an FNV-64a
// checksum (8) of the meta before it. Integers are in the machine's order.
const (
	boltHeaderSize    = 16
	boltMetaSize      = 64
	boltMagic         = 0xED0CDAED
	boltVersion       = 2
	boltBranchPage    = 0x01
	boltLeafPage      = 0x02
	boltFreelistPage  = 0x10
	boltNoFreelist    = ^uint64(0)
	boltMinPageSize   = 1024
	boltMaxPageSize   = 1024 << 14
	boltMetaSumLength = 56
	boltFirstDataPage = 2
)

// boltMeta is a decoded meta page.
type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pages    uint64 // the high-water mark: pages at or above it are unused
	txid     uint64
}

// readBoltMeta decodes the meta page at off, or says why it is not one.
func readBoltMeta(f io.ReaderAt, off int64) (boltMeta, error) {
	var b [boltHeaderSize + boltMetaSize]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		return boltMeta{}, fmt.Errorf("cannot read it: %v", err)
	}
	m := b[boltHeaderSize:]
	le := binary.NativeEndian
	switch {
	case le.Uint32(m[0:]) != boltMagic:
		return boltMeta{}, errors.New("no bbolt magic number")
	case le.Uint32(m[4:]) != boltVersion:
		return boltMeta{}, fmt.Errorf("bbolt format version %d, not %d", le.Uint32(m[4:]), boltVersion)
	}
	h := fnv.New64a()
	h.Write(m[:boltMetaSumLength])
	if h.Sum64() != le.Uint64(m[boltMetaSumLength:]) {
		return boltMeta{}, errors.New("its checksum does not match")
	}
	return boltMeta{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]),
		pages: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, nil
}

// checkBoltFile checks what bbolt trusts when it maps a file, so that a
// damaged file is refused with a message instead of crashing the process
// (a SIGBUS past the end of a cut file, or a panic on a page that is not
// what a meta page says): that at least one meta page is whole (magic,
// version, checksum) with a sane page size, that the file holds every page
// the newest whole meta counts, and that its root and freelist pages lie
// within them and are of their kind. An empty file is fine: bbolt
// initialises it.
func checkBoltFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	if !shareLock(f) {
		// Another process has it open for writing and may be in the
		// middle of a commit: let bbolt wait for it and say so.
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	size := info.Size()
	if size == 0 {
		return nil
	}
	damaged := func(format string, args ...any) error {
		return &DamagedError{Path: path, Reason: fmt.Sprintf(format, args...)}
	}
	if size < 2*boltMinPageSize {
		return damaged("it is %d bytes, shorter than a bbolt file's two meta pages", size)
	}
	// The page size is in the first meta page, or, when that one is
	// damaged, found where the second one is (as bbolt does).
	m0, err0 := readBoltMeta(f, 0)
	pageSize := int64(m0.pageSize)
	if err0 != nil {
		pageSize = 0
		for ps := int64(boltMinPageSize); ps <= boltMaxPageSize && 2*ps <= size; ps *= 2 {
			if m, err := readBoltMeta(f, ps); err == nil && int64(m.pageSize) == ps {
				pageSize = ps
				break
			}
		}
		if pageSize == 0 {
			return damaged("neither of its meta pages is whole: the first has %v, and no second one was found; it may not be a bbolt file", err0)
		}
	}
	if pageSize < boltMinPageSize || pageSize > boltMaxPageSize || pageSize&(pageSize-1) != 0 {
		return damaged("its meta page gives a page size of %d bytes", pageSize)
	}
	m1, err1 := readBoltMeta(f, pageSize)
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		return damaged("neither of its meta pages is whole: the first has %v, the second %v", err0, err1)
	case err0 != nil:
		m = m1
	case err1 != nil:
		m = m0
	case m1.txid > m0.txid:
		m = m1
	default:
		m = m0
	}
	if int64(m.pageSize) != pageSize {
		return damaged("its meta pages disagree on the page size (%d and %d bytes)", pageSize, m.pageSize)
	}
	if m.pages < boltFirstDataPage+2 || m.pages > uint64(size/pageSize) {
		return damaged("it is %d bytes, but its meta page counts %d pages of %d bytes (%d bytes): it was cut short",
			size, m.pages, pageSize, m.pages*uint64(pageSize))
	}
	page := func(what string, id uint64, kinds ...uint16) error {
		if id < boltFirstDataPage || id >= m.pages {
			return damaged("its %s page, %d, lies outside its %d pages", what, id, m.pages)
		}
		var h [boltHeaderSize]byte
		if _, err := f.ReadAt(h[:], int64(id)*pageSize); err != nil {
			return damaged("its %s page, %d, cannot be read: %v", what, id, err)
		}
		le := binary.NativeEndian
		got, flags, overflow := le.Uint64(h[0:]), le.Uint16(h[8:]), uint64(le.Uint32(h[12:]))
		if got != id {
			return damaged("its %s page, %d, has the header of page %d", what, id, got)
		}
		if id+overflow >= m.pages {
			return damaged("its %s page, %d, runs %d pages past its %d pages", what, id, id+overflow-m.pages+1, m.pages)
		}
		for _, k := range kinds {
			if flags == k {
				return nil
			}
		}
		return damaged("its %s page, %d, is not one (flags %#x)", what, id, flags)
	}
	if err := page("root", m.root, boltBranchPage, boltLeafPage); err != nil {
		return err
	}
	if m.freelist != boltNoFreelist {
		if err := page("freelist", m.freelist, boltFreelistPage); err != nil {
			return err
		}
	}
	return nil
}
