//go:build unix

package graph

import (
	"os"
	"syscall"
)

// shareLock takes a shared lock on f (released when f is closed) unless
// another process holds bbolt's exclusive one.
func shareLock(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil
}
