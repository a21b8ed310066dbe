package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestAuditTrail: every write is in the audit trail, newest first, with
// who and from where, filtered by service and time; never a secret.
func TestAuditTrail(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	env := []string{"ONBOARD_ENGINEER=alice"}
	w.run(t, "", env, "customers", "add", "Contoso Ltd")
	if r := w.run(t, fxHealthy.secret+"\n", env, addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...); r.code != 0 {
		t.Fatal(r)
	}
	w.run(t, "", []string{"ONBOARD_ENGINEER=bob"}, "validate", "CONTOSO01")
	r := w.must(t, 0, "", "audit", "--service", "contoso01", "--json")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(entries) != 2 || entries[0]["action"] != "validated" || entries[0]["engineer"] != "bob" ||
		entries[1]["action"] != "service added" || entries[1]["engineer"] != "alice" {
		t.Errorf("audit of CONTOSO01: %s", r.stdout)
	}
	for _, k := range []string{"at", "engineer", "host", "action", "customer", "service", "detail"} {
		if _, ok := entries[0][k]; !ok {
			t.Errorf("an entry lacks %q", k)
		}
	}
	all := w.must(t, 0, "", "audit")
	if !strings.Contains(all.stdout, "customer added") || strings.Contains(all.stdout, fxHealthy.secret[3:]) {
		t.Errorf("audit:\n%s", all.stdout)
	}
	if later := w.must(t, 0, "", "audit", "--since", time.Now().AddDate(0, 0, 2).Format("2006-01-02")); !strings.Contains(later.stdout, "Nothing in the audit trail matches") {
		t.Errorf("audit --since the future:\n%s", later.stdout)
	}
	w.must(t, 2, "", "audit", "--since", "yesterday")
}

// An engineer name from the environment carrying escape sequences is
// written cleaned: teammates' audit trails and service pages never get
// the raw sequence (it would clear their screens or write their
// clipboards).
func TestEngineerNameCleaned(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.run(t, "", []string{"ONBOARD_ENGINEER=eve\x1b]52;c;aGk=\x07\x1b[2J\u202e"}, "customers", "add", "Contoso Ltd")
	for _, args := range [][]string{{"audit"}, {"audit", "--json"}} {
		r := w.must(t, 0, "", args...)
		if strings.ContainsAny(r.stdout, "\x1b\x07\u202e") || !strings.Contains(r.stdout, "eve") {
			t.Errorf("%v:\n%q", args, r.stdout)
		}
	}
}

// TestDBCheckAndBackup: a healthy database checks clean; its backup is a
// 0600 bbolt file onboard opens with the same key; a damaged file is one
// line and exit 1, never a panic.
func TestDBCheckAndBackup(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	w.must(t, 0, fxHealthy.secret+"\n", addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	r := w.must(t, 0, "", "db", "check")
	if !strings.Contains(r.stdout, "1 services") || !strings.Contains(r.stdout, "every secret unseals") {
		t.Errorf("db check:\n%s", r)
	}
	backup := filepath.Join(w.dir, "backup.db")
	w.must(t, 0, "", "db", "backup", backup)
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	w.must(t, 1, "", "db", "backup", backup) // never over an existing file
	r = w.must(t, 0, "", "--db", backup, "services", "show", "CONTOSO01")
	if !strings.Contains(r.stdout, "Hk7****") {
		t.Errorf("the backup's service:\n%s", r.stdout)
	}
	// Damage the copy: truncate it in the middle.
	b, _ := os.ReadFile(backup)
	if err := os.WriteFile(backup, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	r = w.run(t, "", nil, "--db", backup, "db", "check")
	if r.code != 1 || !strings.Contains(r.stderr, "damaged") || strings.Contains(r.stderr, "goroutine") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
		t.Errorf("db check of a damaged file: want one line and exit 1:\n%s", r)
	}
}

// TestDBCopyToATeamDatabase moves a laptop's inventory into PostgreSQL
// (a schema of its own on the test server), sealed again with the team
// key; a re-run copies nothing. Without a server it copies into another
// bbolt file.
func TestDBCopyToATeamDatabase(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	w.must(t, 0, fxHealthy.secret+"\n", addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	w.must(t, 0, fxExpiring.secret+"\n", addArgs("Contoso Ltd", "FAB01", fxExpiring)...)
	w.must(t, 0, "", "validate", "--all")
	// The laptop's key as a key file, as it would be without ONBOARD_KEY.
	laptopKey := filepath.Join(w.dir, "laptop.key")
	if err := os.WriteFile(laptopKey, []byte(base64Key(w.key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(w.dir, "team.db")
	if u := os.Getenv("ONBOARD_TEST_POSTGRES"); u != "" {
		target = teamSchema(t, u)
	}
	teamKey := strings.Repeat("B", 43) + "="
	env := []string{"ONBOARD_KEY=" + teamKey}
	r := w.run(t, "", env, "db", "copy", "--from", w.db, "--to", target, "--from-key-file", laptopKey)
	if r.code != 0 || !strings.Contains(r.stdout, "Copied 1 customers and 2 services; skipped 0 already there; refused 0.") {
		t.Fatalf("db copy:\n%s", r)
	}
	r = w.run(t, "", env, "db", "copy", "--from", w.db, "--to", target, "--from-key-file", laptopKey)
	if r.code != 0 || !strings.Contains(r.stdout, "Copied 0 customers and 0 services; skipped 2 already there") {
		t.Errorf("a re-run copied again:\n%s", r)
	}
	r = w.run(t, "", env, "--db", target, "db", "check")
	if r.code != 0 || !strings.Contains(r.stdout, "every secret unseals") {
		t.Errorf("the team database after the copy:\n%s", r)
	}
	r = w.run(t, "", env, "--db", target, "validate", "--all")
	if r.code != 0 {
		t.Errorf("validate --all on the team database:\n%s", r)
	}
	if r := w.run(t, "", env, "--db", target, "audit", "--service", "CONTOSO01"); !strings.Contains(r.stdout, "validated") {
		t.Errorf("the copied history and the new validation are not in the audit:\n%s", r)
	}
}

// TestKeyRotate re-seals every secret with a new key file (created
// 0600): a missing --new-key-file or the key in use is bad usage (exit
// 2); afterwards the old key is refused, the new one alone opens every
// secret, and the advice says ONBOARD_KEY must go, since it wins over
// ONBOARD_KEY_FILE.
func TestKeyRotate(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	w.must(t, 0, fxHealthy.secret+"\n", addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	w.must(t, 0, fxExpiring.secret+"\n", addArgs("Contoso Ltd", "FAB01", fxExpiring)...)

	if r := w.must(t, 2, "", "key", "rotate"); !strings.Contains(r.stderr, "--new-key-file") {
		t.Errorf("rotate without a file:\n%s", r)
	}
	same := filepath.Join(w.dir, "same.key")
	if err := os.WriteFile(same, []byte(base64Key(w.key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := w.must(t, 2, "", "key", "rotate", "--new-key-file", same); !strings.Contains(r.stderr, "holds the key in use") {
		t.Errorf("rotate to the key in use:\n%s", r)
	}

	fresh := filepath.Join(w.dir, "keys", "onboard-2027.key")
	if err := os.MkdirAll(filepath.Dir(fresh), 0o700); err != nil {
		t.Fatal(err)
	}
	r := w.must(t, 0, "", "key", "rotate", "--new-key-file", fresh)
	for _, want := range []string{"Re-sealed 2 client secret(s)", "accepts only it", "unset ONBOARD_KEY and set ONBOARD_KEY_FILE=" + fresh} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("rotate lacks %q:\n%s", want, r)
		}
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new key file: %v %v", fi, err)
	}
	if r := w.run(t, "", nil, "services", "show", "CONTOSO01"); r.code != 1 || !strings.Contains(r.stderr, "not the one") {
		t.Errorf("the old key after the rotation: want exit 1, refused\n%s", r)
	}
	newKey := []string{"ONBOARD_KEY=", "ONBOARD_KEY_FILE=" + fresh}
	if r := w.run(t, "", newKey, "db", "check"); r.code != 0 || !strings.Contains(r.stdout, "every secret unseals") {
		t.Errorf("db check with the new key:\n%s", r)
	}
	// Without ONBOARD_KEY, the advice is the file variable alone.
	other := filepath.Join(w.dir, "keys", "onboard-2028.key")
	r = w.run(t, "", newKey, "key", "rotate", "--new-key-file", other)
	if r.code != 0 || !strings.Contains(r.stdout, "(ONBOARD_KEY_FILE="+other+")") {
		t.Errorf("second rotation:\n%s", r)
	}
}

func base64Key(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// teamSchema is a fresh schema on the test server, dropped at the end, as
// a database URL whose search_path names it.
func teamSchema(t testing.TB, serverURL string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cmd_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("connect to %s: %v", serverURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create schema "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, serverURL)
		if err == nil {
			_, _ = c.Exec(ctx, "drop schema "+name+" cascade")
			c.Close(ctx)
		}
	})
	sep := "?"
	if strings.Contains(serverURL, "?") {
		sep = "&"
	}
	return serverURL + sep + "search_path=" + name
}
