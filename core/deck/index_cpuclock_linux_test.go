//go:build linux

package deck

import (
	"syscall"
	"unsafe"
)

// threadCPUTime returns the CPU time the calling thread has used, in
// nanoseconds (CLOCK_THREAD_CPUTIME_ID), and true. BenchmarkLookup's paired
// sub-benchmarks report it besides wall time: on a machine shared with other
// work, time spent descheduled is not the lookups' (the goroutine is locked
// to its thread while it measures).
func threadCPUTime() (int64, bool) {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0, false
	}
	return ts.Nano(), true
}
