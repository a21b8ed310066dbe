// Package entratest holds the test fixtures the tests of every package
// share: a validator pointed at the simulated directory, a buffer many
// goroutines write to, and a poll. Only tests import it.
package entratest

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

// Validator starts the simulated directory dir with its clock at now
// (when now is not nil) and returns it with a validator pointed at it,
// trusting its certificate. Both stop when the test ends. The validator's
// timeout is generous: tests run on a loaded machine.
func Validator(t testing.TB, dir entrasim.Directory, now func() time.Time) (*entrasim.Server, *entra.Validator) {
	t.Helper()
	if now != nil {
		dir.Now = now
	}
	srv := Directory(t, dir)
	cfg := Config(srv)
	cfg.Now, cfg.Timeout = now, 30*time.Second
	v, err := entra.NewValidator(cfg)
	if err != nil {
		t.Fatalf("validator: %v", err)
	}
	return srv, v
}

// Directory starts the simulated directory dir; it stops when the test
// ends.
func Directory(t testing.TB, dir entrasim.Directory) *entrasim.Server {
	t.Helper()
	srv, err := entrasim.Start(dir)
	if err != nil {
		t.Fatalf("start the simulated directory: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// Config points a validator at srv, trusting its certificate; the rest
// (clock, timeout, log) is the caller's.
func Config(srv *entrasim.Server) entra.Config {
	return entra.Config{AuthorityHost: srv.AuthorityHost(), GraphURL: srv.GraphURL(), HTTPClient: srv.Client()}
}

// Buffer is a bytes.Buffer that goroutines may write to while the test
// reads it (a log sink, a program's output, a child's terminal).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Eventually polls cond until it holds (true) or timeout passes (false).
func Eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
