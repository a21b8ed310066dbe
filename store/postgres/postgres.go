// Package postgres keeps onboard's records in a PostgreSQL database (13 or
// newer): the shared backend of a support team, where the engineer who
// takes the ticket tomorrow sees the service, its sealed secret and every
// validation run. It implements tenant/usecase's storage interfaces and
// passes the conformance suite of store/storetest, plus the optional
// Watcher (LISTEN/NOTIFY), Rekeyer, Checker, Backuper, Importer and
// Inventory.
//
// It owns:
//   - the schema: versioned SQL migrations embedded in the binary
//     (migrations/), applied on first use by github.com/jackc/tern/v2,
//     each in a transaction under an advisory lock, so two engineers
//     starting at once apply them exactly once; a database migrated by a
//     newer onboard is refused (usecase.ErrNewerSchema);
//   - the rules across machines: unique names as primary keys on the same
//     name key the bbolt store uses (tenant.NameKey); "the customer exists"
//     and "a customer with services cannot be deleted" as a foreign key;
//     a version per service refusing changes made on a stale copy
//     (usecase.Stale), checked on the row locked in the writing
//     transaction;
//   - the key IDs in use (sealing_keys), so a key that sealed none of the
//     secrets is refused at open; secrets arrive sealed (store/seal), the
//     server never holds one in plain;
//   - the audit trail, written in the transaction of each write;
//   - failures of the server (unreachable, wrong password, read-only
//     replica, gone mid-run): one line with the fix, wrapping
//     usecase.ErrUnavailable, never the password.
//
// Every call runs under Options.Timeout, so a server that stops answering
// fails the call instead of hanging the screen.
//
// It imports tenant, tenant/usecase (the contract), store/seal, store/bolt
// (the offline copy's format, for Backup), pgx and tern; never wizard, cmd
// or the network beyond the database.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// DefaultTimeout bounds one call to the database when Options.Timeout is
// zero.
const DefaultTimeout = 30 * time.Second

// Options tune Open.
type Options struct {
	// Keys seal and unseal the client secrets. Required.
	Keys *seal.Keyring
	// Actor is who writes (the audit trail, UpdatedBy).
	Actor usecase.Actor
	// Schema is the PostgreSQL schema onboard's tables live in, created
	// when missing. Empty: the server's default (normally "public").
	Schema string
	// Timeout bounds each call to the database. Zero: DefaultTimeout.
	Timeout time.Duration
	// MaxConns bounds the pool (0: pgxpool's default, at least 4).
	MaxConns int32
	// Now stamps records. Nil: time.Now.
	Now func() time.Time
}

// Store is an open PostgreSQL database. Its methods are safe for
// concurrent use; any number of processes may share the database.
type Store struct {
	pool    *pgxpool.Pool
	where   string // the server and database, for messages: never the password
	schema  string
	keys    *seal.Keyring
	actor   usecase.Actor
	now     func() time.Time
	timeout time.Duration
}

var _ usecase.Store = (*Store)(nil)

// IsURL reports whether a --db value names a PostgreSQL server rather
// than a bbolt file.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open connects to the database at url (postgres://user:password@host:port/db?…),
// applies the migrations this build has that the database lacks, and
// checks the key: a key that sealed none of the stored secrets is refused
// (seal.ErrWrongKey) before anything is written. A newer schema is
// refused (usecase.ErrNewerSchema); a server that cannot be used is one
// line with the fix (usecase.ErrUnavailable).
func Open(ctx context.Context, dbURL string, opts Options) (st *Store, err error) {
	if opts.Keys == nil {
		return nil, errors.New("open the team database: no sealing key given")
	}
	where := Redact(dbURL)
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, usecase.Errorf([]error{usecase.ErrUnavailable},
			"the database URL %s cannot be read (%s): write it as postgres://USER:PASSWORD@HOST:5432/DATABASE", where, scrubbed(err, dbURL))
	}
	where = fmt.Sprintf("%s@%s:%d/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize()
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "onboard"
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	} else if cfg.MaxConns < 4 {
		cfg.MaxConns = 4
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	s := &Store{where: where, schema: opts.Schema, keys: opts.Keys, actor: opts.Actor, now: opts.Now, timeout: opts.Timeout}
	if s.now == nil {
		s.now = time.Now
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, s.fail(err)
	}
	defer func() {
		if err != nil {
			s.pool.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	if s.schema == "" {
		if err := s.pool.QueryRow(ctx, "select current_schema()").Scan(&s.schema); err != nil {
			return nil, s.fail(err)
		}
	}
	inUse, err := s.keyIDs(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	if err := s.keys.CheckInUse(inUse, s.where); err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Where names the database (user@host:port/database), never the password.
func (s *Store) Where() string { return s.where }

// Redact is a database URL without its password, for messages.
func Redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(a database URL that cannot be read)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// scrubbed is an error's text with the URL's password taken out, in case a
// parser quoted it.
func scrubbed(err error, dbURL string) string {
	msg := err.Error()
	if u, perr := url.Parse(dbURL); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	if u, perr := url.Parse(dbURL); perr == nil {
		if p := u.Query().Get("password"); p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}

// ctx is the context of one call: the store's methods take none, so each
// is bounded by the timeout.
func (s *Store) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.timeout)
}

// stamp is the time records are stamped with: without the monotonic
// reading, and to the microsecond PostgreSQL keeps, so what a method
// returns equals what a later read gives back.
func (s *Store) stamp() time.Time { return s.now().Round(0).Truncate(time.Microsecond) }

// fail turns what the server or the network said into the engineer's
// words: a failure of the server itself wraps usecase.ErrUnavailable with
// the fix; a store error (already worded) is returned as it is.
func (s *Store) fail(err error) error {
	if err == nil {
		return nil
	}
	var ue *usecase.Error
	if errors.As(err, &ue) || tenant.IsRuleError(err) || errors.Is(err, seal.ErrWrongKey) {
		return err
	}
	unavailable := func(format string, args ...any) error {
		return usecase.Errorf([]error{usecase.ErrUnavailable}, format, args...)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "28P01" || pgErr.Code == "28000":
			return unavailable("the team database %s refused the login: check the user and password in the URL (or PGPASSWORD, ~/.pgpass)", s.where)
		case pgErr.Code == "3D000":
			return unavailable("the team database %s does not exist: create it once with: CREATE DATABASE %s;", s.where, databaseOf(s.where))
		case pgErr.Code == "25006":
			return unavailable("the team database %s is a read-only replica (%s): give the URL of the primary server", s.where, pgErr.Message)
		case pgErr.Code == "42501":
			return unavailable("the team database %s refused the user the right to %s (%s): ask its administrator to grant the user the database's tables", s.where, "write", pgErr.Message)
		case pgErr.Code == "53300" || pgErr.Code == "57P03":
			return unavailable("the team database %s cannot take another connection now (%s): try again in a minute", s.where, pgErr.Message)
		case strings.HasPrefix(pgErr.Code, "57P") || strings.HasPrefix(pgErr.Code, "08"):
			return unavailable("the team database %s went away (%s): what was saved before stays; check the server and try again", s.where, pgErr.Message)
		case strings.HasPrefix(pgErr.Code, "53"):
			return unavailable("the team database %s is out of resources (%s): ask its administrator", s.where, pgErr.Message)
		}
		return &serverError{msg: fmt.Sprintf("the team database %s: %s (SQLSTATE %s)", s.where, pgErr.Message, pgErr.Code), err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return unavailable("the team database %s did not answer within %s: check that the server is up and reachable, then try again", s.where, s.timeout)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return unavailable("cannot connect to the team database %s (%s): check that the server runs and the host and port in the URL are right",
			s.where, firstLine(ce.Unwrap()))
	}
	if pgconn.SafeToRetry(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isConnLost(err) {
		return unavailable("the connection to the team database %s was lost (%s): what was saved before stays; check the server and try again", s.where, firstLine(err))
	}
	return err
}

// serverError is an error the server answered that onboard has no words
// of its own for; it unwraps to the *pgconn.PgError.
type serverError struct {
	msg string
	err error
}

func (e *serverError) Error() string { return e.msg }
func (e *serverError) Unwrap() error { return e.err }

func isConnLost(err error) bool {
	msg := err.Error()
	for _, s := range []string{"conn closed", "connection reset", "broken pipe", "connection refused", "closed pool"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func databaseOf(where string) string {
	if i := strings.LastIndexByte(where, '/'); i >= 0 {
		return pgx.Identifier{where[i+1:]}.Sanitize()
	}
	return "onboard"
}

// firstLine is an error's text on one line, bounded.
func firstLine(err error) string {
	if err == nil {
		return ""
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
}

// querier is a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// write runs fn in one read-committed transaction, bounded by the
// timeout, retried on a deadlock or a serialization failure (fn must be
// safe to run again); an error from fn is returned as it is (after
// fail's wording of server failures) and nothing is written.
func (s *Store) write(fn func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := s.ctx()
	defer cancel()
	return s.writeCtx(ctx, fn)
}

func (s *Store) writeCtx(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, tx) })
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001") {
			time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
			continue
		}
		break
	}
	return s.fail(err)
}

// read runs fn in one read-only repeatable-read transaction (one
// consistent snapshot), bounded by the timeout.
func read[T any](s *Store, fn func(ctx context.Context, tx pgx.Tx) (T, error)) (T, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	return readCtx(ctx, s, fn)
}

func readCtx[T any](ctx context.Context, s *Store, fn func(ctx context.Context, tx pgx.Tx) (T, error)) (T, error) {
	var out T
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		out, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, s.fail(err)
	}
	return out, nil
}
