package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/jackc/pgx/v5"

	"onboard/store/postgres"
	"onboard/store/seal"
	"onboard/store/storetest"
	"onboard/tenant/usecase"
)

// The tests need a PostgreSQL server: EnvURL names it. Without it they are
// skipped (one line says how to run them); with EnvRequired set (CI) they
// fail instead.
const (
	EnvURL      = "ONBOARD_TEST_POSTGRES"
	EnvRequired = "ONBOARD_TEST_POSTGRES_REQUIRED"
)

var serverURL = os.Getenv(EnvURL)

func TestMain(m *testing.M) {
	if child := os.Getenv(envChild); child != "" {
		os.Exit(runChild(child))
	}
	if serverURL == "" {
		if os.Getenv(EnvRequired) != "" {
			fmt.Fprintf(os.Stderr, "store/postgres: %s is set but %s is empty: the PostgreSQL tests must run\n", EnvRequired, EnvURL)
			os.Exit(1)
		}
		fmt.Printf("store/postgres: PostgreSQL tests skipped; run them with %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable\n", EnvURL)
	}
	code := m.Run()
	for _, fn := range atExit {
		fn()
	}
	os.Exit(code)
}

// atExit runs after every test and benchmark (the benchmarks' shared
// database).
var atExit []func()

// needServer skips a test without a server.
func needServer(t testing.TB) {
	t.Helper()
	if serverURL == "" {
		t.SkipNow()
	}
}

// schema is one PostgreSQL schema of a test: tests run in parallel, each
// in its own, dropped at the end.
type schema struct {
	name string
}

// newSchema names a fresh schema (Open creates it) and drops it when the
// test ends.
func newSchema(t testing.TB) schema {
	t.Helper()
	s := unnamedSchema(t)
	t.Cleanup(func() {
		if err := s.drop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// unnamedSchema is a fresh schema name; the caller drops it.
func unnamedSchema(t testing.TB) schema {
	needServer(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return schema{name: "onboard_t_" + hex.EncodeToString(b)}
}

func (s schema) drop() error {
	conn, err := pgx.Connect(context.Background(), serverURL)
	if err != nil {
		return fmt.Errorf("drop schema %s: %w", s.name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "drop schema if exists "+pgx.Identifier{s.name}.Sanitize()+" cascade"); err != nil {
		return fmt.Errorf("drop schema %s: %w", s.name, err)
	}
	return nil
}

func (s schema) options(keys *seal.Keyring, actor usecase.Actor) postgres.Options {
	return postgres.Options{Keys: keys, Actor: actor, Schema: s.name}
}

func (s schema) Open(keys *seal.Keyring, actor usecase.Actor) (usecase.Store, error) {
	return postgres.Open(context.Background(), serverURL, s.options(keys, actor))
}

func (s schema) open(t testing.TB, keys *seal.Keyring, actor usecase.Actor) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), serverURL, s.options(keys, actor))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// Raw is pg_dump's dump of the schema: every byte the server keeps of it
// in the form a backup of the server holds.
func (s schema) Raw(t testing.TB) []byte {
	out, err := exec.Command("pg_dump", "--dbname="+serverURL, "--schema="+s.name).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	return out
}

func (s schema) SetSchema(t testing.TB, v int) {
	s.exec(t, "update "+pgx.Identifier{s.name, "onboard_schema_version"}.Sanitize()+" set version = $1", v)
}

func (s schema) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), serverURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (schema) Exclusive() bool { return false }

func newDatabase(t testing.TB) storetest.Database { return newSchema(t) }

// TestConformance runs the storage conformance suite on PostgreSQL.
func TestConformance(t *testing.T) {
	needServer(t)
	storetest.Run(t, newDatabase)
}
