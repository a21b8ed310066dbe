package postgres_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"onboard/store/bolt"
	"onboard/store/postgres"
	"onboard/store/seal"
	"onboard/store/storetest"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

func newKey(t testing.TB) (*seal.Key, []byte) {
	raw := make([]byte, seal.KeySize)
	_, _ = rand.Read(raw)
	k, err := seal.NewKey(raw, "test key")
	if err != nil {
		t.Fatal(err)
	}
	return k, raw
}

// Two processes × 16 goroutines add, edit and validate 2,000 services at
// once: every name is added once, no increment of a hot service is lost,
// every stale edit is refused with the clear message, and no report
// replaced a newer last validation.
func TestTwoEngineersAtOnce(t *testing.T) {
	sc := newSchema(t)
	key, raw := newKey(t)
	st := sc.open(t, seal.NewKeyring(key), storetest.Engineer)
	if _, err := st.CreateCustomer("Contoso"); err != nil {
		t.Fatal(err)
	}
	for i := range raceHot {
		if err := st.CreateService(tenant.Service{Name: fmt.Sprintf("hot-%02d", i), Customer: "Contoso", License: tenant.LicensePro, Users: 1, State: tenant.StatePendingAuth}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	var total engineerStats
	for _, out := range children(t, "engineer", sc, key, raw, 2) {
		var s engineerStats
		if err := json.Unmarshal(out, &s); err != nil {
			t.Fatalf("child output %q: %v", out, err)
		}
		total.Added += s.Added
		total.Taken += s.Taken
		total.Increments += s.Increments
		total.Stale += s.Stale
		total.Recorded += s.Recorded
		total.BadStale = append(total.BadStale, s.BadStale...)
		total.Errors = append(total.Errors, s.Errors...)
	}
	t.Logf("2 processes × %d goroutines in %v: %+v", raceGoroutines, time.Since(start), total)
	for _, e := range total.Errors[:min(len(total.Errors), 10)] {
		t.Error(e)
	}
	for _, e := range total.BadStale[:min(len(total.BadStale), 3)] {
		t.Errorf("a stale edit without the clear message: %s", e)
	}
	if total.Added != raceServices || total.Taken != raceServices {
		t.Errorf("%d added and %d refused as taken, want %d each (every name tried by both)", total.Added, total.Taken, raceServices)
	}
	if total.Stale == 0 {
		t.Error("no edit was stale: the test did not race")
	}
	sums, err := st.ListSummaries()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	users := 0
	for _, s := range sums {
		if seen[tenant.NameKey(s.Name)] {
			t.Errorf("duplicate name %s", s.Name)
		}
		seen[tenant.NameKey(s.Name)] = true
		if strings.HasPrefix(s.Name, "hot-") {
			users += s.Users - 1
		}
	}
	if len(sums) != raceServices+raceHot {
		t.Errorf("%d services, want %d", len(sums), raceServices+raceHot)
	}
	if users != total.Increments {
		t.Errorf("the hot services gained %d users, %d increments succeeded: updates were lost", users, total.Increments)
	}
	l, err := st.ListServices()
	if err != nil || len(l.Unreadable) != 0 {
		t.Fatalf("list: %v %v", l.Unreadable, err)
	}
	for _, s := range l.Services {
		if strings.HasPrefix(s.Name, "hot-") {
			continue
		}
		h, err := st.History(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		if s.LastValidation == nil || len(h) == 0 || !s.LastValidation.At.Equal(h[0].At) {
			t.Errorf("%s: last validation %v, newest report %v: an older report replaced a newer one", s.Name, s.LastValidation, h[0].At)
			break
		}
	}
}

// Two processes opening a new database at once apply the migrations
// exactly once.
func TestMigrationsAppliedOnceByTwoProcesses(t *testing.T) {
	for round := range 3 {
		sc := newSchema(t)
		key, raw := newKey(t)
		children(t, "migrate", sc, key, raw, 2)
		conn, err := pgx.Connect(context.Background(), serverURL)
		if err != nil {
			t.Fatal(err)
		}
		var version, rows, tables int
		err = conn.QueryRow(context.Background(), "select max(version), count(*) from "+pgx.Identifier{sc.name, "onboard_schema_version"}.Sanitize()).Scan(&version, &rows)
		if err == nil {
			err = conn.QueryRow(context.Background(), "select count(*) from pg_tables where schemaname = $1", sc.name).Scan(&tables)
		}
		conn.Close(context.Background())
		if err != nil || version != postgres.SchemaVersion() || rows != 1 || tables != 6 {
			t.Errorf("round %d: version %d in %d rows, %d tables: %v", round, version, rows, tables, err)
		}
	}
}

// A teammate's change reaches a watcher.
func TestChangesFromATeammate(t *testing.T) {
	sc := newSchema(t)
	key, _ := newKey(t)
	me := sc.open(t, seal.NewKeyring(key), storetest.Engineer)
	mate := sc.open(t, seal.NewKeyring(key), usecase.Actor{Engineer: "bob", Host: "desk-2"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes, err := me.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := func(c usecase.Change) {
		t.Helper()
		select {
		case got := <-changes:
			if got != c {
				t.Errorf("change %+v, want %+v", got, c)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no change %+v within 5 s", c)
		}
	}
	if _, err := mate.CreateCustomer("Fabrikam"); err != nil {
		t.Fatal(err)
	}
	want(usecase.Change{Customer: "Fabrikam"})
	if err := mate.CreateService(tenant.Service{Name: "FAB-1", Customer: "fabrikam", License: tenant.LicensePro, Users: 3, State: tenant.StatePendingAuth}); err != nil {
		t.Fatal(err)
	}
	want(usecase.Change{Customer: "Fabrikam", Service: "FAB-1"})
	if err := mate.UpdateService("fab-1", 0, func(s *tenant.Service) error { s.Users = 4; return nil }); err != nil {
		t.Fatal(err)
	}
	want(usecase.Change{Customer: "Fabrikam", Service: "FAB-1"})
	cancel()
	for range changes {
	}
}

// A database URL that cannot be read is named without its password,
// however the password is written (user info, percent-encoded, a query
// parameter) and however the URL is wrong. No server is needed.
func TestBadURLNeverShowsThePassword(t *testing.T) {
	key, _ := newKey(t)
	for _, u := range []string{
		"postgres://u:s3cret%25Pw@127.0.0.1:1/db?sslmode=bogus",
		"postgres://u@127.0.0.1:1/db?password=s3cret%2FPw&sslmode=bogus",
		"postgres://u:s3cret-Pw@[bad/db",
		"postgresql://u:s3cret-Pw@host:5432:6/db",
		"postgres://u@127.0.0.1:1/db?password=s3cret-Pw&connect_timeout=abc",
	} {
		_, err := postgres.Open(context.Background(), u, postgres.Options{Keys: seal.NewKeyring(key), Timeout: time.Second})
		if err == nil || !errors.Is(err, usecase.ErrUnavailable) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v", u, err)
		}
		if r := postgres.Redact(u); strings.Contains(r, "s3cret") {
			t.Errorf("Redact(%s) = %s", u, r)
		}
	}
}

// What the server says when it cannot be used is one line with the fix,
// wrapping ErrUnavailable, and never the password.
func TestUnavailableExplained(t *testing.T) {
	needServer(t)
	key, _ := newKey(t)
	keys := seal.NewKeyring(key)
	u, _ := url.Parse(serverURL)
	down := *u
	down.Host = "127.0.0.1:1" // nothing listens there
	down.User = url.UserPassword("postgres", "s3cret-Passw0rd")
	noDB := *u
	noDB.Path = "/onboard_no_such_db"
	noRole := *u
	noRole.User = url.UserPassword("onboard_no_such_role", "s3cret-Passw0rd")
	for _, tc := range []struct {
		name, url, want string
	}{
		{"server down", down.String(), "cannot connect"},
		{"no database", noDB.String(), "CREATE DATABASE"},
		{"login refused", noRole.String(), "refused the login"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			st, err := postgres.Open(ctx, tc.url, postgres.Options{Keys: keys, Timeout: 5 * time.Second})
			if err == nil {
				st.Close()
				t.Fatal("opened")
			}
			msg := err.Error()
			if !errors.Is(err, usecase.ErrUnavailable) || !strings.Contains(msg, tc.want) || strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
				t.Errorf("%v", msg)
			}
		})
	}
	t.Run("read-only replica", func(t *testing.T) {
		sc := newSchema(t)
		st := sc.open(t, keys, storetest.Engineer)
		if _, err := st.CreateCustomer("Contoso"); err != nil {
			t.Fatal(err)
		}
		ro := *u
		ro.RawQuery += "&options=-c%20default_transaction_read_only%3Don"
		replica, err := postgres.Open(context.Background(), ro.String(), sc.options(keys, storetest.Engineer))
		if err != nil {
			t.Fatal(err)
		}
		defer replica.Close()
		if _, err := replica.ListCustomers(); err != nil {
			t.Errorf("reads work on a replica: %v", err)
		}
		_, err = replica.CreateCustomer("Fabrikam")
		if !errors.Is(err, usecase.ErrUnavailable) || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), "primary") {
			t.Errorf("write on a replica: %v", err)
		}
	})
	t.Run("server gone mid-run", func(t *testing.T) {
		sc := newSchema(t)
		st := sc.open(t, keys, usecase.Actor{Engineer: "alice"})
		if _, err := st.CreateCustomer("Contoso"); err != nil {
			t.Fatal(err)
		}
		sc.exec(t, "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'onboard' and pid <> pg_backend_pid() and query not like '%pg_terminate_backend%' and datname = current_database() and backend_type = 'client backend' and pid in (select pid from pg_stat_activity where state = 'idle')")
		// The pool notices the dead connections and reconnects, or says so.
		if _, err := st.ListCustomers(); err != nil && (!errors.Is(err, usecase.ErrUnavailable) || strings.Contains(err.Error(), "\n")) {
			t.Errorf("after the server closed the connections: %v", err)
		}
	})
}

// The 10,000-service laptop file with histories copied to PostgreSQL:
// counts equal, every secret unseals, a re-run copies nothing.
func TestCopyTenThousandServices(t *testing.T) {
	sc := newSchema(t)
	n := 10000
	if testing.Short() || raceEnabled {
		n = 1000 // the race detector makes the big file take a minute
	}
	laptopKey, _ := newKey(t)
	laptop, err := bolt.Open(filepath.Join(t.TempDir(), "laptop.db"), bolt.Options{Keys: seal.NewKeyring(laptopKey), Actor: usecase.Actor{Engineer: "bob"}})
	if err != nil {
		t.Fatal(err)
	}
	defer laptop.Close()
	start := time.Now()
	src := storetest.Fill(t, laptop, n, 3)
	t.Logf("a %d-service bbolt file with histories made in %v", n, time.Since(start))
	teamKey, _ := newKey(t)
	team := sc.open(t, seal.NewKeyring(teamKey), storetest.Engineer)
	start = time.Now()
	res, err := usecase.CopyInventory(context.Background(), laptop, team, usecase.CopyOptions{BatchSize: 500})
	t.Logf("copied in %v", time.Since(start))
	if err != nil || len(res.Copied) != n || len(res.Refused) != 0 || len(res.CustomersCopied) != n/50 {
		t.Fatalf("copy: %d copied, %v refused, %d customers, %v", len(res.Copied), res.Refused[:min(3, len(res.Refused))], len(res.CustomersCopied), err)
	}
	l, err := team.ListServices()
	if err != nil || len(l.Services) != n || len(l.Unreadable) != 0 {
		t.Fatalf("team after copy: %d services, %d unreadable, %v", len(l.Services), len(l.Unreadable), err)
	}
	for i, s := range l.Services {
		if s.Name != src[i].Service.Name || s.App.Secret.Reveal() != src[i].Service.App.Secret.Reveal() {
			t.Fatalf("%s: the secret does not unseal as copied", s.Name)
		}
	}
	check, err := team.Check(context.Background())
	if err != nil || !check.OK() || check.Services != n || check.Reports != len(src)*3-n/5*3 {
		t.Errorf("check after the copy: %+v %v", check, err)
	}
	res, err = usecase.CopyInventory(context.Background(), laptop, team, usecase.CopyOptions{})
	if err != nil || len(res.Copied) != 0 || len(res.Skipped) != n || len(res.Refused) != 0 || len(res.CustomersCopied) != 0 {
		t.Errorf("re-run: %d copied, %d skipped, %d refused, %v", len(res.Copied), len(res.Skipped), len(res.Refused), err)
	}
}

// `onboard key rotate` killed midway (SIGKILL, between two batches, its
// connection dropped with it) and run again: every secret unseals with
// the new key alone, and the old key alone is refused.
func TestKeyRotateKilledMidway(t *testing.T) {
	sc := newSchema(t)
	oldKey, oldRaw := newKey(t)
	st := sc.open(t, seal.NewKeyring(oldKey), storetest.Engineer)
	if _, err := st.CreateCustomer("Contoso"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range 23 {
		name := fmt.Sprintf("rot-%02d", i)
		if err := st.CreateService(tenant.Service{Name: name, Customer: "Contoso", License: tenant.LicensePro, Users: 1, State: tenant.StatePendingAuth,
			App: tenant.AppRegistration{ClientID: "11111111-2222-4333-8444-555555555555", Secret: storetest.SecretOf(name)}}); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	_ = st.Close()

	newK, newRaw := newKey(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=rotate", envSchema+"="+sc.name, envProc+"=1",
		envKey+"="+base64.StdEncoding.EncodeToString(newRaw), envOldKey+"="+base64.StdEncoding.EncodeToString(oldRaw))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "resealed 10\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the rotating child said %q (%v): %s", line, err, stderr.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	// Midway both keys are in use; the re-run finishes the job.
	rotating := sc.open(t, seal.NewKeyring(newK, oldKey), storetest.Engineer)
	res, err := rotating.Rekey(context.Background(), usecase.RekeyOptions{BatchSize: 5})
	if err != nil || res.Resealed != 13 || !res.Complete() || fmt.Sprint(res.KeyIDs) != fmt.Sprint([]string{newK.ID()}) {
		t.Fatalf("the re-run after the kill: %+v %v (want the 13 left re-sealed, only the new key in use)", res, err)
	}
	_ = rotating.Close()
	alone := sc.open(t, seal.NewKeyring(newK), storetest.Engineer)
	for _, n := range names {
		s, err := alone.GetService(n)
		if err != nil || s.App.Secret.Reveal() != storetest.SecretOf(n).Reveal() {
			t.Errorf("%s with the new key alone: %v", n, err)
		}
	}
	_ = alone.Close()
	if st, err := sc.Open(seal.NewKeyring(oldKey), storetest.Engineer); err == nil {
		_ = st.Close()
		t.Fatal("the old key alone is accepted after the rotation")
	} else if !errors.Is(err, seal.ErrWrongKey) {
		t.Errorf("the old key alone after the rotation: %v", err)
	}
}
