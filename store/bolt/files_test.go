package bolt_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// A new database is private to its owner: the file 0600, the directories
// Open creates 0700; a directory that was there is left as it was.
func TestFileCreatedPrivate(t *testing.T) {
	top := t.TempDir()
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(top, "a", "b")
	path := filepath.Join(dir, "onboard.db")
	st := mustOpen(t, path, ringOf(t, 1))
	if st.Path() != path {
		t.Errorf("Path() = %q, want %q", st.Path(), path)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700, filepath.Dir(dir): 0o700, top: 0o755} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %04o, want %04o", p, fi.Mode().Perm(), want)
		}
	}
	if _, err := bolt.Open("", bolt.Options{Keys: ringOf(t, 1)}); err == nil {
		t.Error(`Open("") succeeded`)
	}
	if _, err := bolt.Open(filepath.Join(top, "other.db"), bolt.Options{}); err == nil || exists(t, filepath.Join(top, "other.db")) {
		t.Errorf("Open without a key: %v (and it must create nothing)", err)
	}
}

// An empty file given as the database is not taken for a new database: it
// is refused and left exactly as it was (it may be a file the engineer
// truncated by mistake, or one being copied).
func TestEmptyFileRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "onboard.db")
	if err := os.WriteFile(path, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	past := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	// As the command line does: a key file created for this database goes
	// again when the database is refused.
	l, err := seal.Load(seal.Source{DefaultFile: filepath.Join(dir, seal.KeyFileName), Getenv: func(string) string { return "" }})
	if err != nil || l.Created == "" {
		t.Fatalf("key: %+v %v", l, err)
	}
	st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(l.Key), CreatedKeyFile: l.Created})
	if err == nil {
		st.Close()
		t.Fatal("an empty file was opened as a database")
	}
	wantKind(t, err, usecase.ErrDamaged, path, "is an empty file", "remove it")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the empty file is gone: %v", err)
	}
	if fi.Size() != 0 || fi.Mode().Perm() != 0o640 || !fi.ModTime().Equal(past) {
		t.Errorf("the refused file changed: %d bytes, mode %04o, modified %v", fi.Size(), fi.Mode().Perm(), fi.ModTime())
	}
	if exists(t, l.Created) {
		t.Error("the key file created for the refused database was left behind")
	}
}

// A directory given as the database is refused and left as it was.
func TestDirectoryRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "keep"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		st, err := bolt.Open(path, bolt.Options{Keys: ringOf(t, 1), ReadOnly: ro})
		if err == nil {
			st.Close()
			t.Fatal("a directory was opened as a database")
		}
		wantKind(t, err, usecase.ErrDamaged, path, "is a directory")
	}
	entries, err := os.ReadDir(path)
	if err != nil || len(entries) != 1 || entries[0].Name() != "keep" {
		t.Errorf("the directory changed: %v %v", entries, err)
	}
}

// A database that cannot be created leaves nothing behind: neither the
// directories Open made for it, nor an empty file, nor the key file made
// for it. (A full disk is in process_test.go: it needs a child process.)
func TestFailedCreateLeavesNothing(t *testing.T) {
	t.Run("name too long", func(t *testing.T) {
		top := t.TempDir()
		made := filepath.Join(top, "new")
		path := filepath.Join(made, "sub", strings.Repeat("n", 300)+".db")
		key := filepath.Join(top, "onboard.key")
		l, err := seal.LoadFile(key, true)
		if err != nil {
			t.Fatal(err)
		}
		st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(l.Key), CreatedKeyFile: l.Created})
		if err == nil {
			st.Close()
			t.Fatal("opened")
		}
		for _, p := range []string{made, key} {
			if exists(t, p) {
				t.Errorf("%s was left behind (%v)", p, err)
			}
		}
	})
	t.Run("read-only parent directory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes into read-only directories")
		}
		top := t.TempDir()
		ro := filepath.Join(top, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(ro, 0o700) })
		for _, path := range []string{filepath.Join(ro, "onboard.db"), filepath.Join(ro, "a", "b", "onboard.db")} {
			st, err := bolt.Open(path, bolt.Options{Keys: ringOf(t, 1)})
			if err == nil {
				st.Close()
				t.Fatalf("%s opened", path)
			}
			if entries, _ := os.ReadDir(ro); len(entries) != 0 {
				t.Errorf("left behind in %s: %v", ro, entries)
			}
		}
	})
	t.Run("read-only open of a missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a", "onboard.db")
		_, err := bolt.Open(path, bolt.Options{Keys: ringOf(t, 1), ReadOnly: true})
		wantKind(t, err, usecase.ErrNotFound, path)
		if exists(t, filepath.Dir(path)) {
			t.Error("a read-only open created a directory")
		}
	})
}

// A key file that has gone missing is not silently replaced while the
// database holds secrets sealed with it: the new key could never unseal
// them, and secrets saved later would be sealed with a second key. The
// key file seal.Load just created is removed again.
func TestLostKeyFileNotReplaced(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "onboard.db")
	keyFile := filepath.Join(dir, seal.KeyFileName)
	src := seal.Source{DefaultFile: keyFile, Getenv: func(string) string { return "" }}
	open := func() (*bolt.Store, seal.Loaded, error) {
		l, err := seal.Load(src)
		if err != nil {
			t.Fatal(err)
		}
		st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(l.Key), CreatedKeyFile: l.Created})
		return st, l, err
	}
	st, _, err := open()
	if err != nil {
		t.Fatal(err)
	}
	mustCustomer(t, st, "Contoso")
	mustService(t, st, pendingSvc("pend-1", "Contoso"))
	st.Close()

	// Without secrets in the database, a new key loses nothing.
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	st, l, err := open()
	if err != nil || l.Created == "" {
		t.Fatalf("database without secrets, key file gone: %v (created %q)", err, l.Created)
	}
	mustService(t, st, activeSvc(t, "con-1", "Contoso", day0))
	st.Close()
	saved, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)

	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	st, l, err = open()
	if err == nil {
		st.Close()
		t.Fatal("a new key was accepted for a database holding secrets sealed with another")
	}
	wantKind(t, err, seal.ErrWrongKey, path, seal.EnvKey, seal.EnvKeyFile)
	if l.Created != keyFile {
		t.Errorf("seal.Load did not create %s (%q)", keyFile, l.Created)
	}
	if exists(t, keyFile) {
		t.Fatal("a new key file was left in place of the lost one")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the refused open changed the database file")
	}
	// Once the key file is back, everything opens and unseals.
	if err := os.WriteFile(keyFile, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	st, l, err = open()
	if err != nil || l.Created != "" {
		t.Fatalf("with the key file restored: %v (created %q)", err, l.Created)
	}
	defer st.Close()
	if svc, err := st.GetService("con-1"); err != nil || svc.App.Secret.Reveal() != secretFor("con-1").Reveal() {
		t.Fatalf("after the restore: %v", err)
	}
}

// Two processes starting on a new database at the same moment: the one
// that loses the lock is told the database is in use, and removes nothing
// (the file is the other one's, open and being written).
func TestLoserOfACreateRaceRemovesNothing(t *testing.T) {
	keys := ringOf(t, 1)
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "new", "onboard.db")
		type result struct {
			st  *bolt.Store
			err error
		}
		results := make(chan result, 2)
		start := make(chan struct{})
		for range 2 {
			go func() {
				<-start
				st, err := bolt.Open(path, bolt.Options{Keys: keys, Timeout: 50 * time.Millisecond})
				results <- result{st, err}
			}()
		}
		close(start)
		var winner *bolt.Store
		for range 2 {
			r := <-results
			switch {
			case r.err == nil && winner == nil:
				winner = r.st
			case r.err == nil:
				r.st.Close()
				t.Fatalf("round %d: both opened the database", round)
			case errors.Is(r.err, usecase.ErrInUse):
			case errors.Is(r.err, usecase.ErrDamaged) && strings.Contains(r.err.Error(), "is an empty file"):
				// The loser looked between the winner's creating the
				// file and its writing the first pages: refused as well.
			default:
				t.Fatalf("round %d: the loser got %v, want usecase.ErrInUse", round, r.err)
			}
		}
		if winner == nil {
			t.Fatalf("round %d: neither opened the database", round)
		}
		// The winner holds the file until both have answered: the loser
		// gave up while it was held.
		if _, err := winner.CreateCustomer("Contoso"); err != nil {
			t.Fatal(err)
		}
		winner.Close()
		if !exists(t, path) {
			t.Fatalf("round %d: the loser removed the winner's database", round)
		}
		st := mustOpen(t, path, keys)
		if _, err := st.GetCustomer("contoso"); err != nil {
			t.Fatalf("round %d: the winner's write is lost: %v", round, err)
		}
		st.Close()
	}
}

// The duplicate-name errors name the record that holds the name, as it is
// stored, not as it was typed.
func TestDuplicateNameNamesStoredSpelling(t *testing.T) {
	st := mustOpen(t, filepath.Join(t.TempDir(), "onboard.db"), ringOf(t, 1))
	mustCustomer(t, st, "Contoso Ltd")
	mustCustomer(t, st, "Fabrikam")
	mustService(t, st, pendingSvc("Sip-One", "Contoso Ltd"))
	_, err := st.CreateCustomer("  CONTOSO ltd ")
	wantKind(t, err, usecase.ErrExists, `a customer named "Contoso Ltd" already exists`, "ignoring case")
	err = st.RenameCustomer("fabrikam", "contoso LTD")
	wantKind(t, err, usecase.ErrExists, `a customer named "Contoso Ltd" already exists`)
	err = st.CreateService(pendingSvc("SIP-ONE", "fabrikam"))
	wantKind(t, err, usecase.ErrExists, `a service named "Sip-One" already exists`, "short names are unique, ignoring case")
	for _, e := range []error{err} {
		if !tenant.IsRuleError(e) {
			t.Errorf("%v is not a rule error", e)
		}
	}
	if strings.Contains(err.Error(), "SIP-ONE") {
		t.Errorf("the error repeats the typed spelling: %v", err)
	}
}

// Values are copied out of their transaction: what a read returned stays
// intact after bbolt has grown the file and mapped it again (the memory a
// transaction's values live in is then unmapped: a string still pointing
// there would fault or read other bytes), and after the records it was
// read from are overwritten.
func TestValuesOutliveTheirTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	st := mustOpen(t, path, ringOf(t, 1))
	mustCustomer(t, st, "Contoso")
	mustService(t, st, activeSvc(t, "con-1", "Contoso", day0))
	mustService(t, st, activeSvc(t, "con-2", "Contoso", day0))
	mustService(t, st, pendingSvc("pend-1", "Contoso"))
	if errs := st.RecordValidations([]usecase.Recorded{{Name: "con-1", Report: passedReport(day0.Add(time.Hour), tenant.TriggerRevalidated, "Zq8")}}); errs[0] != nil {
		t.Fatal(errs[0])
	}

	type reads struct {
		Service   tenant.Service
		Secret    string
		Listing   []tenant.Service
		Secrets   []string
		History   []tenant.ValidationReport
		Customers []tenant.Customer
		Summaries []tenant.Summary
		Audit     []usecase.AuditEntry
	}
	read := func() *reads {
		t.Helper()
		var r reads
		var errs [6]error
		var l usecase.Listing
		r.Service, errs[0] = st.GetService("con-2")
		l, errs[1] = st.ListServices()
		r.History, errs[2] = st.History("con-1")
		r.Customers, errs[3] = st.ListCustomers()
		r.Summaries, errs[4] = st.ListSummaries()
		r.Audit, errs[5] = st.Audit(usecase.AuditFilter{})
		if err := errors.Join(errs[:]...); err != nil {
			t.Fatal(err)
		}
		r.Listing = l.Services
		r.Secret = r.Service.App.Secret.Reveal()
		return &r
	}
	// snapshot is every byte of what was read, secrets included.
	snapshot := func(r *reads) string {
		r.Secrets = nil
		for _, s := range r.Listing {
			r.Secrets = append(r.Secrets, s.App.Secret.Reveal())
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	first := read()
	want := snapshot(first)
	if len(first.Listing) != 3 || len(first.History) != 2 || first.Secret != secretFor("con-2").Reveal() {
		t.Fatalf("first reads: %d services, %d reports", len(first.Listing), len(first.History))
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()

	// Grow the data well past the file's first mapping (its size when it
	// was opened, 128 KB), in a few transactions: about 400 KB of reports
	// of text that does not compress.
	noise := rand.New(rand.NewPCG(1, 2))
	for round := range 4 {
		batch := make([]usecase.Recorded, 25)
		for i := range batch {
			r := passedReport(day0.Add(time.Duration(round*1000+i)*time.Minute), tenant.TriggerValidateAll, "Zq8")
			random := make([]byte, 4096)
			for j := range random {
				random[j] = byte(noise.Uint32())
			}
			r.TraceID = base64.StdEncoding.EncodeToString(random)
			batch[i] = usecase.Recorded{Name: "pend-1", Report: r}
		}
		for _, err := range st.RecordValidations(batch) {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if size() < before+400<<10 {
		t.Fatalf("the file grew from %d to %d bytes only", before, size())
	}
	// Overwrite what the first reads saw, so stale memory would differ.
	for _, name := range []string{"con-1", "con-2"} {
		if err := st.UpdateService(name, 0, func(s *tenant.Service) error { s.Users = 499; s.FullName = "Changed"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RenameCustomer("Contoso", "Contoso Holdings"); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(first); got != want {
		t.Fatal("values read before the file grew changed")
	}
	second := read()
	// Closed, the file is no longer mapped at all: a value still pointing
	// there faults.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if snapshot(first) != want || snapshot(second) == want {
		t.Fatal("values read before the database was closed changed")
	}
	if second.Service.Users != 499 || second.Service.Customer != "Contoso Holdings" || first.Service.Users != 250 {
		t.Fatalf("the later read does not see the changes: %+v", second.Service)
	}
	if !reflect.DeepEqual(second.History, first.History) {
		t.Error("con-1's history changed")
	}
}
