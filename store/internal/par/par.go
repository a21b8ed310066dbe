// Package par spreads the decoding of many stored records over the CPUs,
// for the storage backends (listing 100,000 services is mostly decoding).
package par

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// chunk is how many records a worker takes at a time.
const chunk = 512

// Each calls fn for 0..n-1, spread over the CPUs in chunks. A panic in a
// worker — a damaged memory-mapped file faults there as it would in the
// caller (SetPanicOnFault is per goroutine) — is carried back and raised
// again in the caller's goroutine, where the backend's guard turns it into
// an error.
func Each(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var panicked atomic.Value
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			debug.SetPanicOnFault(true)
			defer func() {
				if r := recover(); r != nil {
					panicked.Store(fmt.Sprint(r))
				}
			}()
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
	if r := panicked.Load(); r != nil {
		panic(r)
	}
}
