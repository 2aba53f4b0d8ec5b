//go:build !unix

package graph

import "os"

// shareLock reports true: without flock, checkBoltFile checks regardless.
func shareLock(*os.File) bool { return true }
