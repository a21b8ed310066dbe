package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
)

// Child processes are this test binary run again with -test.run selecting
// TestChildProcess and these variables saying what to be.
const (
	envChildRole = "ONBOARD_STORE_TEST_CHILD"
	envChildDB   = "ONBOARD_STORE_TEST_DB"
)

// startChild runs the test binary as a child in the given role on the
// database at path, with its stdout readable line by line.
func startChild(t *testing.T, role, path string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), envChildRole+"="+role, envChildDB+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Harmless when the child has already been waited for.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("child %s stderr:\n%s", role, stderr.String())
		}
	})
	return cmd, bufio.NewScanner(stdout), stdin
}

// TestChildProcess is not a test on its own: it is the body of the child
// processes the crash and lock tests start.
func TestChildProcess(t *testing.T) {
	role := os.Getenv(envChildRole)
	if role == "" {
		t.Skip("run as a child process by TestCrashSafety and TestLockedByAnotherProcess")
	}
	s, err := Open(os.Getenv(envChildDB), Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	switch role {
	case "holder":
		fmt.Println("open")
		// Hold the database until the parent closes our stdin.
		_, _ = io.Copy(io.Discard, os.Stdin)
		s.Close()
		os.Exit(0)
	case "writer":
		for i := 0; ; i++ {
			name := fmt.Sprintf("crash%05d", i)
			svc := fullService(name, "Crash")
			if err := s.CreateService(svc); err != nil {
				fmt.Fprintln(os.Stderr, "child write:", err)
				os.Exit(4)
			}
			// Reported only after the write returned.
			fmt.Println("service", name)
			if err := s.RecordValidation(name, sampleReport(t0.Add(time.Duration(i)*time.Second), tenant.StatusPass)); err != nil {
				fmt.Fprintln(os.Stderr, "child write:", err)
				os.Exit(4)
			}
			fmt.Println("validated", name)
		}
	}
	fmt.Fprintln(os.Stderr, "unknown child role", role)
	os.Exit(5)
}

// A writer killed with SIGKILL in the middle of many writes leaves a
// database that opens, passes bbolt's consistency check and holds every
// write that had returned before the kill.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process; skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "onboard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustCustomer(t, s, "Crash")
	s.Close()

	cmd, lines, _ := startChild(t, "writer", path)
	const killAfter = 500 // reported writes
	services := map[string]bool{}
	validated := map[string]bool{}
	n := 0
	for lines.Scan() {
		kind, name, ok := strings.Cut(lines.Text(), " ")
		switch {
		case ok && kind == "service":
			services[name] = true
		case ok && kind == "validated":
			validated[name] = true
		default:
			continue
		}
		if n++; n == killAfter {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			// Keep reading: lines written before the kill are still in the pipe.
		}
	}
	err = cmd.Wait()
	if n < killAfter {
		t.Fatalf("the writer stopped after %d writes: %v", n, err)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the writer was not killed by SIGKILL: %v", err)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("open after the crash: %v", err)
	}
	defer s.Close()
	err = s.db.View(func(tx *bolt.Tx) error {
		var problems []error
		for err := range tx.Check() {
			problems = append(problems, err)
		}
		return errors.Join(problems...)
	})
	if err != nil {
		t.Fatalf("tx.Check after the crash:\n%v", err)
	}
	for name := range services {
		svc, err := s.GetService(name)
		if err != nil {
			t.Fatalf("reported write of %s lost: %v", name, err)
		}
		if svc.App.Secret.Reveal() != fullService(name, "").App.Secret.Reveal() {
			t.Fatalf("%s: secret does not unseal to what was written", name)
		}
		h, err := s.History(name)
		if err != nil {
			t.Fatal(err)
		}
		want := 1 // the creation report
		if validated[name] {
			want = 2
		}
		// The write in flight at the kill may or may not have landed.
		if len(h) < want {
			t.Fatalf("%s: %d history entries, want at least %d", name, len(h), want)
		}
		if validated[name] && svc.LastValidation.Status != tenant.StatusPass {
			t.Fatalf("%s: reported validation not on the record", name)
		}
	}
	list, err := s.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	// At most the one write in flight may have landed unreported.
	if len(list) < len(services) || len(list) > len(services)+1 {
		t.Fatalf("%d services stored, %d reported", len(list), len(services))
	}
	t.Logf("killed after %d reported writes (%d services); all present, tx.Check clean", n, len(services))
}

// A second process opening a database that is in use fails with ErrInUse
// and the clear message, after about Options.Timeout, instead of hanging.
func TestLockedByAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process; skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "onboard.db")
	cmd, lines, stdin := startChild(t, "holder", path)
	if !lines.Scan() || lines.Text() != "open" {
		t.Fatalf("the holder did not open the database (%q)", lines.Text())
	}

	done := make(chan error, 1)
	start := time.Now()
	go func() {
		s, err := Open(path, Options{})
		if err == nil {
			s.Close()
		}
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second): // generous: the timeout is 1 s
		t.Fatal("Open hung on a database held by another process")
	}
	wantKind(t, err, ErrInUse, path, "is in use by another onboard process")
	// Only a lower bound (it cannot flake on a loaded machine): the zero
	// Options wait about DefaultTimeout for the other process to let go
	// (bbolt stops one retry interval early), rather than giving up at
	// once on a holder about to close.
	if waited := time.Since(start); waited < DefaultTimeout/2 {
		t.Fatalf("Open gave up after %v, long before its %v timeout", waited, DefaultTimeout)
	}

	// Once the holder lets go, the database opens.
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("holder: %v", err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("open after the holder closed: %v", err)
	}
	s.Close()
}
