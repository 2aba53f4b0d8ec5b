package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"unsafe"
)

// An index snapshot is the Index of a bbolt store written to a file beside
// it (the store's path + ".index") when the Store closes, so that the next
// Open reads it instead of scanning every quad: on a store of 10,000
// reports the scan took minutes. The snapshot carries a stamp of the bbolt
// file it was written for (its last transaction ID, size and modification
// time); a store changed since, by another process or a restored backup, has
// another stamp, and Open scans it as before. So does a snapshot that is
// truncated, corrupt (CRC-32C over all of it), of another format or written
// on a machine of another byte order or word size.
//
// The file holds the index's arrays as they are in memory, each prefixed by
// its length; the hash tables are rebuilt on reading, with a new seed.

const snapshotMagic = "policygraph index\x00"

// snapshotFormat changes whenever the layout of indexState, indexNode or
// Edge does.
const snapshotFormat = 2

// snapshotStamp identifies the state of a store: for a bbolt file, its last
// transaction ID, size and modification time; for PostgreSQL, the change
// log's epoch and the version through which the index reflects every entry.
type snapshotStamp struct {
	TxID  uint64
	Size  int64
	MTime int64 // nanoseconds
	Epoch string
}

// errNoSnapshot is a snapshot missing or not for this store: not worth a
// warning.
var errNoSnapshot = errors.New("no snapshot for this state of the store")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// layout describes the machine's in-memory layout the arrays are written in.
func layout() [4]uint32 {
	return [4]uint32{0x01020304, uint32(unsafe.Sizeof(indexNode{})), uint32(unsafe.Sizeof(Edge{})), uint32(unsafe.Sizeof(int(0)))}
}

// saveSnapshot writes x, stamped, to path with permissions perm: to a
// temporary file, synced, then renamed, so that a crash leaves the old
// snapshot or the new one.
func saveSnapshot(path string, x *Index, stamp snapshotStamp, perm os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := writeSnapshot(w, x, stamp); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// loadSnapshot reads the snapshot at path if accept takes its stamp.
func loadSnapshot(path string, accept func(snapshotStamp) bool) (*Index, snapshotStamp, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, snapshotStamp{}, errNoSnapshot
	} else if err != nil {
		return nil, snapshotStamp{}, err
	}
	defer f.Close()
	return readSnapshot(bufio.NewReaderSize(f, 1<<20), accept)
}

// snapWriter writes values and arrays, summing what it writes.
type snapWriter struct {
	w   io.Writer
	sum hash.Hash32
	err error
}

func (s *snapWriter) bytes(b []byte) {
	if s.err == nil {
		s.sum.Write(b)
		_, s.err = s.w.Write(b)
	}
}

func (s *snapWriter) u64(v uint64) { s.bytes(binary.LittleEndian.AppendUint64(nil, v)) }

func (s *snapWriter) str(v string) {
	s.u64(uint64(len(v)))
	s.bytes([]byte(v))
}

// writeArray writes a's length, then its memory as it is.
func writeArray[T any](s *snapWriter, a []T) {
	s.u64(uint64(len(a)))
	if len(a) > 0 {
		s.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a)*int(unsafe.Sizeof(a[0]))))
	}
}

func writeSnapshot(w io.Writer, x *Index, stamp snapshotStamp) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s := &snapWriter{w: w, sum: crc32.New(castagnoli)}
	s.bytes([]byte(snapshotMagic))
	s.u64(snapshotFormat)
	for _, v := range layout() {
		s.u64(uint64(v))
	}
	s.u64(stamp.TxID)
	s.u64(uint64(stamp.Size))
	s.u64(uint64(stamp.MTime))
	s.str(stamp.Epoch)

	writeArray(s, x.nodes)
	writeArray(s, x.text)
	writeArray(s, x.refs)
	writeArray(s, x.adj)
	writeArray(s, x.facts)
	writeArray(s, x.viaNodes)
	writeArray(s, x.byRel)
	vf, vr := make([]uint32, 0, len(x.via)), make([]NodeRef, 0, len(x.via))
	for f, r := range x.via {
		vf, vr = append(vf, f), append(vr, r)
	}
	writeArray(s, vf)
	writeArray(s, vr)
	for f := range x.strs {
		s.u64(uint64(len(x.strs[f])))
		for _, v := range x.strs[f] {
			s.str(v)
		}
	}
	s.u64(uint64(len(x.kinds)))
	for k, ns := range x.kinds {
		s.str(string(k))
		writeArray(s, ns)
	}
	s.u64(uint64(x.live))
	s.u64(uint64(x.edges))
	if s.err != nil {
		return s.err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, s.sum.Sum32()))
	return err
}

// snapReader reads what snapWriter wrote, summing what it reads.
type snapReader struct {
	r   io.Reader
	sum hash.Hash32
	err error
}

// maxSnapshotArray bounds an array's length, so that a corrupt length
// fails instead of allocating without end.
const maxSnapshotArray = 1 << 36

func (s *snapReader) bytes(b []byte) {
	if s.err == nil {
		if _, s.err = io.ReadFull(s.r, b); s.err == nil {
			s.sum.Write(b)
		}
	}
}

func (s *snapReader) u64() uint64 {
	var b [8]byte
	s.bytes(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func (s *snapReader) length(size uintptr) int {
	n := s.u64()
	if s.err == nil && n*uint64(size) > maxSnapshotArray {
		s.err = fmt.Errorf("an array of %d elements", n)
	}
	if s.err != nil {
		return 0
	}
	return int(n)
}

func (s *snapReader) str() string {
	b := make([]byte, s.length(1))
	s.bytes(b)
	return string(b)
}

func readArray[T any](s *snapReader) []T {
	var zero T
	a := make([]T, s.length(unsafe.Sizeof(zero)))
	if len(a) > 0 {
		s.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a)*int(unsafe.Sizeof(a[0]))))
	}
	return a
}

func readSnapshot(r io.Reader, accept func(snapshotStamp) bool) (*Index, snapshotStamp, error) {
	s := &snapReader{r: r, sum: crc32.New(castagnoli)}
	magic := make([]byte, len(snapshotMagic))
	s.bytes(magic)
	if s.err != nil || string(magic) != snapshotMagic {
		return nil, snapshotStamp{}, fmt.Errorf("not an index snapshot")
	}
	if v := s.u64(); v != snapshotFormat {
		return nil, snapshotStamp{}, fmt.Errorf("snapshot format %d, not %d: %w", v, snapshotFormat, errNoSnapshot)
	}
	for _, v := range layout() {
		if s.u64() != uint64(v) {
			return nil, snapshotStamp{}, fmt.Errorf("snapshot written on a machine of another layout: %w", errNoSnapshot)
		}
	}
	got := snapshotStamp{TxID: s.u64(), Size: int64(s.u64()), MTime: int64(s.u64())}
	got.Epoch = s.str()
	if s.err != nil {
		return nil, snapshotStamp{}, fmt.Errorf("read snapshot: %w", s.err)
	}
	if !accept(got) {
		return nil, snapshotStamp{}, errNoSnapshot
	}

	x := newIndex()
	x.nodes = readArray[indexNode](s)
	x.text = readArray[byte](s)
	x.refs = readArray[NodeRef](s)
	x.adj = readArray[Edge](s)
	x.facts = readArray[uint64](s)
	x.viaNodes = readArray[NodeRef](s)
	x.byRel = readArray[int](s)
	vf, vr := readArray[uint32](s), readArray[NodeRef](s)
	for f := range x.strs {
		x.strs[f] = make([]string, s.length(16))
		x.codes[f] = make(map[string]uint8, len(x.strs[f]))
		for i := range x.strs[f] {
			x.strs[f][i] = s.str()
			x.codes[f][x.strs[f][i]] = uint8(i)
		}
	}
	nk := s.length(1)
	for range nk {
		k := Kind(s.str())
		x.kinds[k] = readArray[NodeRef](s)
	}
	x.live = int(s.u64())
	x.edges = int(s.u64())
	want := s.sum.Sum32()
	var tail [4]byte
	if s.err == nil {
		_, s.err = io.ReadFull(r, tail[:])
	}
	if s.err != nil {
		return nil, snapshotStamp{}, fmt.Errorf("read snapshot: %w", s.err)
	}
	if binary.LittleEndian.Uint32(tail[:]) != want {
		return nil, snapshotStamp{}, fmt.Errorf("snapshot is corrupt: its checksum does not match")
	}
	if len(vf) != len(vr) || len(x.nodes) == 0 || len(x.refs) == 0 || len(x.viaNodes) == 0 || len(x.byRel) != len(Relations)+1 {
		return nil, snapshotStamp{}, fmt.Errorf("snapshot is inconsistent")
	}
	for i, f := range vf {
		x.via[f] = vr[i]
	}
	for i := 1; i < len(x.viaNodes); i++ {
		x.viaSlot[x.viaNodes[i]] = uint16(i)
	}
	// The hash tables, with this process's seed.
	x.seed = maphash.MakeSeed()
	x.idTab.reset(len(x.nodes) - 1)
	for n := 1; n < len(x.nodes); n++ {
		x.idTab.put(x.hash(x.idOf(NodeRef(n))), NodeRef(n))
	}
	x.rebuildNames(0)
	x.version = 1
	return x, got, nil
}
