//go:build linux

package graph

import (
	"os"
	"syscall"

	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
)

// releaseMapped drops the pages of the bbolt file from the process's
// resident set (MADV_DONTNEED on its read-only shared map: the kernel keeps
// them in the page cache and maps them again on the next read).
func (b *boltBackend) releaseMapped() {
	raw, ok := b.db.KV.(*hbolt.DB)
	if !ok {
		return
	}
	fi, err := os.Stat(b.path)
	if err != nil || fi.Size() == 0 {
		return
	}
	// bbolt maps at least the file's size, from Info().Data.
	page := int64(os.Getpagesize())
	size := fi.Size() / page * page
	syscall.Syscall(syscall.SYS_MADVISE, raw.DB().Info().Data, uintptr(size), syscall.MADV_DONTNEED)
}
