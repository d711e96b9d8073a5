//go:build !linux

package deck

// threadCPUTime reports that this platform's benchmarks have no per-thread
// CPU clock: BenchmarkLookup then reports wall time only.
func threadCPUTime() (int64, bool) { return 0, false }
