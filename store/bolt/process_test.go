package bolt_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Child processes are this test binary run again with -test.run selecting
// TestChildProcess and these variables saying what to be.
const (
	envChildRole = "ONBOARD_BOLT_TEST_CHILD"
	envChildDB   = "ONBOARD_BOLT_TEST_DB"
	envChildKey  = "ONBOARD_BOLT_TEST_KEY" // the key, base64
)

// childKey is the key parent and children share: 32 times 0x42.
func childKey(t testing.TB) *seal.Keyring { return ringOf(t, 0x42) }

// rotatedKey is the key the rotating child rotates to.
func rotatedKey(t testing.TB) *seal.Key { return ringOf(t, 0x43).Current() }

// startChild runs the test binary as a child in the given role on the
// database at path, its stdout readable line by line; closing stdin asks
// a holder to let go.
func startChild(t *testing.T, role, path string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), envChildRole+"="+role, envChildDB+"="+path,
		envChildKey+"="+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x42}, seal.KeySize)))
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
// processes the lock, crash and full-disk tests start.
func TestChildProcess(t *testing.T) {
	role := os.Getenv(envChildRole)
	if role == "" {
		t.Skip("run as a child process by the tests of process_test.go")
	}
	raw, err := base64.StdEncoding.DecodeString(os.Getenv(envChildKey))
	if err != nil {
		fail("child key: %v", err)
	}
	key, err := seal.NewKey(raw, "the test's key")
	if err != nil {
		fail("child key: %v", err)
	}
	path := os.Getenv(envChildDB)
	switch role {
	case "full-disk":
		// Every file this process writes stops at 20 KB: bbolt's first
		// four pages (64 KB) do not fit. Go reports the write as an error
		// (EFBIG) rather than dying of SIGXFSZ.
		signal.Ignore(syscall.SIGXFSZ)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 20 << 10, Max: 20 << 10}); err != nil {
			fail("setrlimit: %v", err)
		}
		st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(key)})
		if err == nil {
			st.Close()
			fail("opened a new database with no room for it")
		}
		fmt.Println("refused:", err)
		os.Exit(0)
	case "rotate":
		// Rotates to rotatedKey in batches of 5; after the second it says
		// so and waits for the parent's SIGKILL.
		st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(rotatedKey(t), key)})
		if err != nil {
			fail("child open: %v", err)
		}
		_, err = st.Rekey(context.Background(), usecase.RekeyOptions{BatchSize: 5, AfterBatch: func(n int) error {
			if n >= 10 {
				fmt.Println("resealed", n)
				select {}
			}
			return nil
		}})
		fail("the rotation ended before it was killed: %v", err)
	}
	st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(key), Actor: usecase.Actor{Engineer: "child"}})
	if err != nil {
		fail("child open: %v", err)
	}
	switch role {
	case "holder":
		fmt.Println("open")
		// Hold the database until the parent closes our stdin.
		_, _ = io.Copy(io.Discard, os.Stdin)
		st.Close()
		os.Exit(0)
	case "writer":
		for i := 0; ; i++ {
			name := fmt.Sprintf("crash%05d", i)
			if err := st.CreateService(activeSvc(t, name, "Crash", day0)); err != nil {
				fail("child write: %v", err)
			}
			// Reported only once the write has returned.
			fmt.Println("service", name)
			r := passedReport(day0.Add(time.Duration(i+1)*time.Second), tenant.TriggerRevalidated, "Zq8")
			if errs := st.RecordValidations([]usecase.Recorded{{Name: name, Report: r}}); errs[0] != nil {
				fail("child write: %v", errs[0])
			}
			fmt.Println("validated", name)
		}
	}
	fail("unknown child role %q", role)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(3)
}

// A second process opening a database in use fails with usecase.ErrInUse
// and says so, after about the timeout, instead of hanging; once the first
// lets go, the database opens.
func TestLockedByAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process; skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "onboard.db")
	cmd, lines, stdin := startChild(t, "holder", path)
	if !lines.Scan() || lines.Text() != "open" {
		t.Fatalf("the holder did not open the database (%q)", lines.Text())
	}
	for _, ro := range []bool{false, true} {
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			st, err := bolt.Open(path, bolt.Options{Keys: childKey(t), ReadOnly: ro})
			if err == nil {
				st.Close()
			}
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second): // a hang, not a slow machine: the timeout is 1 s
			t.Fatal("Open hung on a database held by another process")
		}
		wantKind(t, err, usecase.ErrInUse, path, "is in use by another onboard process", "close it and try again")
		// Only a lower bound, which a loaded machine cannot break: Open
		// waits about DefaultTimeout for the other process to let go
		// (bbolt stops one retry early) rather than giving up at once on
		// a holder about to close.
		if waited := time.Since(start); waited < bolt.DefaultTimeout/2 {
			t.Errorf("read-only %v: Open gave up after %v, long before its %v timeout", ro, waited, bolt.DefaultTimeout)
		}
	}
	if !exists(t, path) {
		t.Fatal("the refused opens removed the holder's database")
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("holder: %v", err)
	}
	st := mustOpen(t, path, childKey(t))
	mustCustomer(t, st, "Contoso")
}

// A writer killed with SIGKILL in the middle of its writes leaves a
// database that passes bbolt's consistency check and holds every write
// that had returned before the kill.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process; skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "onboard.db")
	st := mustOpen(t, path, childKey(t))
	mustCustomer(t, st, "Crash")
	st.Close()

	cmd, lines, _ := startChild(t, "writer", path)
	const killAfter = 300 // reported writes
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
	err := cmd.Wait()
	if n < killAfter {
		t.Fatalf("the writer stopped after %d writes: %v", n, err)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the writer was not killed by SIGKILL: %v", err)
	}

	// bbolt's own check, on the file as the kill left it.
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("bbolt cannot open the file after the crash: %v", err)
	}
	err = db.View(func(tx *bbolt.Tx) error {
		var problems []error
		for err := range tx.Check() {
			problems = append(problems, err)
		}
		return errors.Join(problems...)
	})
	db.Close()
	if err != nil {
		t.Fatalf("tx.Check after the crash:\n%v", err)
	}

	st = mustOpen(t, path, childKey(t))
	for name := range services {
		svc, err := st.GetService(name)
		if err != nil {
			t.Fatalf("reported write of %s lost: %v", name, err)
		}
		if svc.App.Secret.Reveal() != secretFor(name).Reveal() {
			t.Fatalf("%s: the secret does not unseal to what was written", name)
		}
		h, err := st.History(name)
		if err != nil {
			t.Fatal(err)
		}
		want := 1 // the creation report
		if validated[name] {
			want = 2
		}
		// The write in flight at the kill may or may not have landed.
		if len(h) < want || len(h) > 2 {
			t.Fatalf("%s: %d history entries, want %d", name, len(h), want)
		}
		if validated[name] && (svc.LastValidation == nil || svc.LastValidation.Trigger != tenant.TriggerRevalidated) {
			t.Fatalf("%s: the reported validation is not its last", name)
		}
	}
	l, err := st.ListServices()
	if err != nil || len(l.Unreadable) != 0 {
		t.Fatalf("listing after the crash: %v %v", err, l.Unreadable)
	}
	// At most the one write in flight may have landed unreported.
	if len(l.Services) < len(services) || len(l.Services) > len(services)+1 {
		t.Fatalf("%d services stored, %d reported", len(l.Services), len(services))
	}
	sums, err := st.ListSummaries()
	if err != nil || len(sums) != len(l.Services) {
		t.Fatalf("%d summaries for %d services: %v", len(sums), len(l.Services), err)
	}
	t.Logf("killed after %d reported writes (%d services); all present, tx.Check clean", n, len(services))
}

// A new database that does not fit on the disk (here: a file size limit
// on the child that creates it) leaves neither an empty or partial file
// nor the folders made for it.
func TestFullDiskLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process; skipped in -short mode")
	}
	top := t.TempDir()
	path := filepath.Join(top, "new", "sub", "onboard.db")
	cmd, lines, _ := startChild(t, "full-disk", path)
	var out []string
	for lines.Scan() {
		out = append(out, lines.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if len(out) != 1 || !strings.HasPrefix(out[0], "refused: ") || !strings.Contains(out[0], path) {
		t.Fatalf("the child said %q", out)
	}
	if entries, _ := os.ReadDir(top); len(entries) != 0 {
		t.Errorf("left behind: %v (after %s)", entries, out[0])
	}
}

// `onboard key rotate` killed midway (SIGKILL between two batches) and run
// again: every secret unseals with the new key alone, and the old key
// alone is refused.
func TestKeyRotateKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process; skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "onboard.db")
	st := mustOpen(t, path, childKey(t))
	mustCustomer(t, st, "Rot")
	var names []string
	for i := range 23 {
		names = append(names, fmt.Sprintf("rot-%02d", i))
		mustService(t, st, activeSvc(t, names[i], "Rot", day0))
	}
	st.Close()

	cmd, lines, _ := startChild(t, "rotate", path)
	if !lines.Scan() || lines.Text() != "resealed 10" {
		t.Fatalf("the rotating child said %q", lines.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	old, fresh := childKey(t).Current(), rotatedKey(t)
	st = mustOpen(t, path, seal.NewKeyring(fresh, old))
	res, err := st.Rekey(context.Background(), usecase.RekeyOptions{BatchSize: 5})
	if err != nil || res.Resealed != 13 || !res.Complete() || fmt.Sprint(res.KeyIDs) != fmt.Sprint([]string{fresh.ID()}) {
		t.Fatalf("the re-run after the kill: %+v %v (want the 13 left re-sealed, only the new key in use)", res, err)
	}
	st.Close()
	st = mustOpen(t, path, seal.NewKeyring(fresh))
	for _, n := range names {
		if svc, err := st.GetService(n); err != nil || svc.App.Secret.Reveal() != secretFor(n).Reveal() {
			t.Errorf("%s with the new key alone: %v", n, err)
		}
	}
	st.Close()
	if st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(old)}); err == nil {
		st.Close()
		t.Fatal("the old key alone is accepted after the rotation")
	} else if !errors.Is(err, seal.ErrWrongKey) {
		t.Errorf("the old key alone after the rotation: %v", err)
	}
}
