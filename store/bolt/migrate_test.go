package bolt_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// testdata/schema1.db was written by the first onboard's store package
// (commit 8471265), with a throw-away program and this key: 3 customers,
// 6 services — one pending authentication whose admin's attempts failed,
// one whose last report failed, one whose secret was replaced, one given
// its credentials after being saved pending — with 3 to 6 reports each,
// every value packed (formats 1 and 2 of legacy.go), every secret sealed
// in format 1. The program is not kept; what it wrote is below.
const schema1Key = "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8="

// schema1Service is what the fixture holds of a service.
type schema1Service struct {
	name, customer string
	state          tenant.ServiceState
	license        tenant.License
	users          int
	secret         string // "" when none
	tenantID       string
	last           tenant.Status
	// history is the reports' trace IDs and statuses, newest first.
	history []string
}

var schema1Services = []schema1Service{ // in name order, ignoring case
	{"ALV-1", "Álvarez & Co", tenant.StateActive, tenant.LicenseEssentialsPlus, 7, "Nw5~ALV-1-replacement-secret-0001",
		"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", tenant.StatusPass,
		[]string{"ALV-1-trace-5/pass", "ALV-1-trace-4/pass", "ALV-1-trace-3/warn", "ALV-1-trace-2/pass", "ALV-1-trace-1/pass", "ALV-1-trace-0/warn"}},
	{"ALV-2", "Álvarez & Co", tenant.StateActive, tenant.LicensePro, 3, "Ad2~ALV-2-added-later.secret-XYZ",
		"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", tenant.StatusWarn,
		[]string{"ALV-2-trace-22/warn", "ALV-2-trace-21/pass", "ALV-2-trace-20/fail"}},
	{"CON-DR", "Contoso Ltd", tenant.StateActive, tenant.LicensePro, 250, "Zq8~CON-DR-s3cr3t.VALUE_0123456789abcdef",
		"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", tenant.StatusPass,
		[]string{"CON-DR-trace-3/pass", "CON-DR-trace-2/pass", "CON-DR-trace-1/warn", "CON-DR-trace-0/pass"}},
	{"con-voice", "Contoso Ltd", tenant.StateActive, tenant.LicenseEssentialsPlus, 40, "Vc3~con-voice-Secret.abcdefghijklmnop01",
		"0b5e4c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d", tenant.StatusWarn,
		[]string{"con-voice-trace-2/warn", "con-voice-trace-1/pass", "con-voice-trace-0/pass"}},
	{"Fab-Main", "Fabrikam", tenant.StateActive, tenant.LicensePro, 500, "Fb1~FabMain-Secret-9876543210zyxwvuts",
		"7c6d5e4f-3a2b-4c1d-8e0f-a9b8c7d6e5f4", tenant.StatusFail,
		[]string{"Fab-Main-trace-2/fail", "Fab-Main-trace-1/warn", "Fab-Main-trace-0/pass"}},
	{"fab-pend", "Fabrikam", tenant.StatePendingAuth, tenant.LicenseEssentialsPlus, 12, "",
		"fabrikam.onmicrosoft.com", tenant.StatusFail,
		[]string{"fab-pend-trace-12/fail", "fab-pend-trace-11/fail", "fab-pend-trace-10/fail"}},
}

func schema1Ring(t testing.TB) *seal.Keyring {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(schema1Key)
	if err != nil {
		t.Fatal(err)
	}
	k, err := seal.NewKey(raw, "ONBOARD_KEY")
	if err != nil {
		t.Fatal(err)
	}
	return seal.NewKeyring(k)
}

// copySchema1 copies the fixture to a temporary directory: the tests never
// change testdata.
func copySchema1(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "onboard.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// rawMeta reads the schema version and the key IDs recorded, with bbolt
// itself.
func rawMeta(t *testing.T, path string) (schema uint64, keys []string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		schema = binary.BigEndian.Uint64(meta.Get([]byte("schema")))
		if v := meta.Get([]byte("keys")); v != nil {
			return json.Unmarshal(v, &keys)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return schema, keys
}

// The fixture is what it says: schema 1, packed values, format-1 secrets.
func TestSchema1FixtureIsSchema1(t *testing.T) {
	path := copySchema1(t)
	if schema, keys := rawMeta(t, path); schema != 1 || keys != nil {
		t.Fatalf("fixture schema %d, keys %v", schema, keys)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	formats := map[string]map[byte]int{}
	_ = db.View(func(tx *bbolt.Tx) error {
		for _, b := range []string{"services", "history"} {
			formats[b] = map[byte]int{}
			_ = tx.Bucket([]byte(b)).ForEach(func(_, v []byte) error {
				formats[b][v[0]]++
				return nil
			})
		}
		if tx.Bucket([]byte("summaries")) != nil {
			t.Error("the fixture has schema 2's summaries")
		}
		return nil
	})
	if formats["services"][1]+formats["services"][2] != 6 || formats["history"][1]+formats["history"][2] != 16 {
		t.Errorf("value formats %v: want 6 packed services and 16 packed archived reports", formats)
	}
}

// Opened with its key, a schema-1 database is migrated: schema 2, every
// service readable with its secret, its last validation and its whole
// history newest first, its summary right, the key ID recorded.
func TestMigrateSchema1(t *testing.T) {
	path := copySchema1(t)
	ring := schema1Ring(t)
	st := mustOpen(t, path, ring)

	customers, err := st.ListCustomers()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range customers {
		names = append(names, c.Name)
		if c.CreatedAt.IsZero() || c.UpdatedAt.Before(c.CreatedAt) {
			t.Errorf("customer %+v lost its times", c)
		}
	}
	if want := []string{"Contoso Ltd", "Fabrikam", "Álvarez & Co"}; !slices.Equal(names, want) {
		t.Errorf("customers %q, want %q", names, want)
	}

	sums, err := st.ListSummaries()
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != len(schema1Services) {
		t.Fatalf("%d summaries, want %d", len(sums), len(schema1Services))
	}
	listing, err := st.ListServices()
	if err != nil || len(listing.Unreadable) != 0 || len(listing.Services) != len(schema1Services) {
		t.Fatalf("listing: %d services, unreadable %v, %v", len(listing.Services), listing.Unreadable, err)
	}
	for i, want := range schema1Services {
		svc, err := st.GetService(want.name)
		if err != nil {
			t.Errorf("%s: %v", want.name, err)
			continue
		}
		if svc.Name != want.name || svc.Customer != want.customer || svc.State != want.state || svc.License != want.license ||
			svc.Users != want.users || svc.App.TenantID != want.tenantID || svc.App.Secret.Reveal() != want.secret ||
			svc.Version != 1 || svc.CreatedAt.IsZero() || svc.UpdatedAt.Before(svc.CreatedAt) {
			t.Errorf("%s = %+v", want.name, svc)
		}
		if listing.Services[i].Name != want.name || listing.Services[i].App.Secret.Reveal() != want.secret {
			t.Errorf("listed %d: %s", i, listing.Services[i].Name)
		}
		h, err := st.History(want.name)
		if err != nil {
			t.Errorf("%s history: %v", want.name, err)
			continue
		}
		var got []string
		for _, r := range h {
			got = append(got, r.TraceID+"/"+string(r.Status))
			// Schema 1's checks had no group: the migration gives each the
			// group of its name, so what reads the groups (whether the
			// credentials work, the roles a service page shows) reads
			// them right.
			for _, c := range r.Checks {
				if c.Group != tenant.GroupOf(c.Name) {
					t.Errorf("%s, %s: check %s in group %q, want %q", want.name, r.TraceID, c.Name, c.Group, tenant.GroupOf(c.Name))
				}
			}
		}
		if !slices.Equal(got, want.history) {
			t.Errorf("%s history %v, want newest first %v", want.name, got, want.history)
		}
		last := svc.LastValidation
		if last == nil || last.TraceID+"/"+string(last.Status) != want.history[0] || last.Status != want.last {
			t.Errorf("%s: last validation %+v, want %s", want.name, last, want.history[0])
		} else {
			if len(last.Checks) == 0 || last.Checks[0].Name != tenant.CheckToken {
				t.Errorf("%s: the last report's checks %+v", want.name, last.Checks)
			}
			if works := want.last != tenant.StatusFail; last.CredentialsWork() != works {
				t.Errorf("%s: CredentialsWork() = %v, want %v", want.name, !works, works)
			}
		}

		sum := sums[i]
		wantHint := ""
		if want.secret != "" {
			wantHint = tenant.NewSecret(want.secret).Masked()
		}
		if sum.Name != want.name || sum.Customer != want.customer || sum.State != want.state || sum.License != want.license ||
			sum.Users != want.users || sum.TenantID != want.tenantID || sum.HasSecret != (want.secret != "") || sum.SecretHint != wantHint ||
			sum.LastStatus != want.last || sum.LastAt == nil || !sum.LastAt.Equal(last.At) || sum.Version != 1 {
			t.Errorf("summary %d = %+v", i, sum)
		}
		if (sum.SecretExpiresAt != nil) != (want.last != tenant.StatusFail || want.state == tenant.StatePendingAuth) {
			t.Errorf("%s: summary expiry %v", want.name, sum.SecretExpiresAt)
		}
	}
	// The engineer's typed expiry of the pending service is kept.
	pend, _ := st.GetService("FAB-PEND")
	if pend.App.ManualExpiry == nil || !pend.App.ManualExpiry.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)) || pend.FullName != "Fabrikam pending" {
		t.Errorf("pending service: %+v", pend)
	}
	if s := sums[5]; !s.ExpiryTyped || s.SecretExpiresAt == nil {
		t.Errorf("pending summary expiry: %+v", s)
	}
	// The migrated database works as any other.
	r := passedReport(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), tenant.TriggerRevalidated, "Zq8")
	if errs := st.RecordValidations([]usecase.Recorded{{Name: "con-dr", Report: r}}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if h, _ := st.History("con-dr"); len(h) != 5 || h[0].Trigger != tenant.TriggerRevalidated {
		t.Errorf("history after a new validation: %d", len(h))
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	if schema, keys := rawMeta(t, path); schema != bolt.SchemaVersion || !slices.Equal(keys, []string{ring.Current().ID()}) {
		t.Errorf("after the migration: schema %d, keys in use %v; want %d, [%s]", schema, keys, bolt.SchemaVersion, ring.Current().ID())
	}
	// The key is recorded: another key is refused at once now.
	_, err = bolt.Open(path, bolt.Options{Keys: ringOf(t, 7)})
	wantKind(t, err, seal.ErrWrongKey, ring.Current().ID())
}

// Opened with a key that does not open its secrets, a schema-1 database
// is refused before anything is rewritten: the file is byte for byte what
// it was, and the right key still migrates it.
func TestMigrateSchema1WrongKeyRefused(t *testing.T) {
	path := copySchema1(t)
	before := fileHash(t, path)
	dir := filepath.Dir(path)
	// As after a lost key file: seal.Load makes a new one, which goes again.
	l, err := seal.Load(seal.Source{DefaultFile: filepath.Join(dir, seal.KeyFileName), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(l.Key), CreatedKeyFile: l.Created})
	if err == nil {
		st.Close()
		t.Fatal("a schema-1 database was opened with a key that opens none of its secrets")
	}
	wantKind(t, err, usecase.ErrCannotUnseal, path, "give the key this database was used with")
	if fileHash(t, path) != before {
		t.Fatal("the refused migration changed the file")
	}
	if exists(t, l.Created) {
		t.Error("the key file made for the refused database was left behind")
	}
	// Read-only, nothing is migrated either.
	if _, err := bolt.Open(path, bolt.Options{Keys: schema1Ring(t), ReadOnly: true}); err == nil {
		t.Error("a schema-1 database was opened read-only")
	}
	if fileHash(t, path) != before {
		t.Fatal("the read-only open changed the file")
	}
	st = mustOpen(t, path, schema1Ring(t))
	if svc, err := st.GetService("con-dr"); err != nil || svc.App.Secret.Reveal() != schema1Services[2].secret {
		t.Fatalf("the right key after a refused one: %v", err)
	}
}

// A migrated database is schema 2: it opens without being migrated again
// (opening and closing it writes nothing) and holds each report once.
func TestMigratedReopensWithoutMigrating(t *testing.T) {
	path := copySchema1(t)
	ring := schema1Ring(t)
	st, err := bolt.Open(path, bolt.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	migrated := fileHash(t, path)
	for range 2 {
		st, err := bolt.Open(path, bolt.Options{Keys: ring})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range schema1Services {
			if h, err := st.History(want.name); err != nil || len(h) != len(want.history) {
				t.Errorf("%s: %d reports after reopening, want %d (%v)", want.name, len(h), len(want.history), err)
			}
		}
		st.Close()
		if fileHash(t, path) != migrated {
			t.Fatal("reopening the migrated database rewrote it")
		}
	}
	// Read-only, it opens too: nothing is left to migrate.
	st, err = bolt.Open(path, bolt.Options{Keys: ring, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of the migrated database: %v", err)
	}
	defer st.Close()
	if sums, err := st.ListSummaries(); err != nil || len(sums) != len(schema1Services) {
		t.Errorf("read-only summaries: %d %v", len(sums), err)
	}
	if bytes.Equal(migrated[:], make([]byte, 32)) {
		t.Fatal("no hash")
	}
}

// Upgraded during a key rotation — the new key current, the fixture's key
// the older one — every secret is sealed again with the new key, which is
// the key recorded as in use: the database then opens with the new key
// alone, and db check finds nothing wrong.
func TestMigrateSchema1DuringKeyRotation(t *testing.T) {
	path := copySchema1(t)
	fresh := ringOf(t, 0x42).Current()
	st := mustOpen(t, path, seal.NewKeyring(fresh, schema1Ring(t).Current()))
	st.Close()
	if _, keys := rawMeta(t, path); len(keys) != 1 || keys[0] != fresh.ID() {
		t.Fatalf("keys recorded as in use: %v, want only the current key %s", keys, fresh.ID())
	}
	st = mustOpen(t, path, seal.NewKeyring(fresh))
	for _, want := range schema1Services {
		svc, err := st.GetService(want.name)
		if err != nil || svc.App.Secret.Reveal() != want.secret {
			t.Fatalf("%s with the new key alone: %v", want.name, err)
		}
	}
	if res, err := st.Check(context.Background()); err != nil || len(res.Problems) != 0 {
		t.Fatalf("db check: %v %v", res.Problems, err)
	}
}
