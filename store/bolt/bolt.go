// Package bolt keeps onboard's records in one bbolt file: the embedded
// default backend, for one engineer and for `onboard --demo`. It
// implements tenant/usecase's storage interfaces and passes the
// conformance suite of store/storetest.
//
// It owns:
//   - the file: created 0600 under directories created 0700, opened with a
//     lock timeout so a second onboard process is told the database is in
//     use instead of hanging (usecase.ErrInUse);
//   - the uniqueness rules only it can judge, inside the write transaction
//     that creates a name (tenant.NameKey), so two racing writers cannot
//     both win;
//   - the schema: a version key in the meta bucket; a file written by a
//     newer onboard is refused, a schema-1 file is migrated on open;
//   - the key IDs in use (the meta bucket), so a key that sealed none of
//     the secrets is refused before any write (seal.Keyring.CheckInUse);
//   - a damaged file: bbolt's panics and faults on the mapped file are
//     caught at this boundary and answered with usecase.ErrDamaged.
//
// Layout (buckets are namespaces; a name's key is its tenant.NameKey):
//
//	meta       "schema" → schema version (8 bytes, big-endian); "keys" → key IDs in use (JSON)
//	customers  NameKey(customer) → customer JSON
//	services   NameKey(service)  → service record, binary (sealed secret, what lists show of its last report)
//	owners     NameKey(customer) 0x00 NameKey(service) → nothing (services of a customer)
//	history    NameKey(service) 0x00 big-endian sequence → report, binary then deflated
//	audit      big-endian sequence → usecase.AuditEntry, binary
//
// A service record carries the facts a list shows of its last report,
// written in the same transaction as the report, so listing reads one
// bucket and never a check's wording. Records, reports and audit entries
// are binary (bin.go, codec.go): JSON's field names were most of a record
// and most of a listing's time. Reports are deflated against a dictionary
// of the validator's phrases (dict.go): a 100,000-service file with a
// report each takes 155 MB, half what JSON took (the 100 MB target is
// missed: the reports and the audit trail are most of it).
//
// It imports tenant, tenant/usecase (the contract), store/seal,
// store/internal and bbolt; never wizard, cmd or the network.
package bolt

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"onboard/store/seal"
	"onboard/tenant/usecase"
)

// SchemaVersion is the layout this build reads and writes. A database with
// a higher version is refused; schema 1 is migrated on open.
const SchemaVersion = 2

// DefaultTimeout is how long Open waits for another process to release the
// database before it gives up with usecase.ErrInUse.
const DefaultTimeout = time.Second

// pageSize is the page size of a new file (bbolt keeps the one a file was
// created with): a service's three values take about 1 KB, and larger pages
// waste less of themselves when they split.
const pageSize = 16 << 10

// allocSize is how far ahead of its pages bbolt grows the file: onboard
// writes a few records a minute, so small steps keep the file close to
// its data.
const allocSize = 4 << 20

// How full bbolt packs a bucket's pages when they split. The audit
// trail's keys only grow, so a full page is never split again. Reports
// mostly arrive in name order (validate all, copies, upgrades), each after
// its service's last. Services arrive in no name order and keep bbolt's
// half: a page split near its end leaves a sliver few names fall into (at
// 0.9 the benchmark's services filled 41% of their pages, at 0.5 70%).
const (
	auditFill   = 0.95
	historyFill = 0.9
)

var (
	bucketMeta      = []byte("meta")
	bucketCustomers = []byte("customers")
	bucketServices  = []byte("services")
	bucketOwners    = []byte("owners")
	bucketHistory   = []byte("history")
	bucketAudit     = []byte("audit")
	keySchema       = []byte("schema")
	keyKeys         = []byte("keys")
)

var allBuckets = [][]byte{bucketMeta, bucketCustomers, bucketServices, bucketOwners, bucketHistory, bucketAudit}

// Options tune Open.
type Options struct {
	// Keys seal and unseal the client secrets. Required.
	Keys *seal.Keyring
	// CreatedKeyFile names the key file seal.Load just created for this
	// database, if it did: it is removed again when the database turns out
	// to hold secrets sealed with another key, so a lost key file is never
	// silently replaced.
	CreatedKeyFile string
	// Timeout is how long to wait for another process to release the
	// database. Zero: DefaultTimeout.
	Timeout time.Duration
	// Now stamps records. Nil: time.Now.
	Now func() time.Time
	// Actor is who writes (the audit trail, UpdatedBy).
	Actor usecase.Actor
	// ReadOnly opens the file for reading only (db check, db backup,
	// copying from it), sharing it with other readers.
	ReadOnly bool
}

// Store is an open bbolt database. Its methods are safe for concurrent use;
// a process holds one Store per file.
type Store struct {
	db    *bolt.DB
	path  string
	keys  *seal.Keyring
	now   func() time.Time
	actor usecase.Actor
}

var _ usecase.Store = (*Store)(nil)

// DefaultPath is where the database lives when --db and ONBOARD_DB do not
// say otherwise: $XDG_DATA_HOME/onboard/onboard.db, else
// ~/.local/share/onboard/onboard.db.
func DefaultPath() (string, error) {
	// The XDG spec says a relative XDG_DATA_HOME is invalid and ignored.
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "onboard", "onboard.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("default database path: %w (set --db or ONBOARD_DB)", err)
	}
	return filepath.Join(home, ".local", "share", "onboard", "onboard.db"), nil
}

// Open opens (creating if needed) the database at path. If another process
// has it open, Open gives up after opts.Timeout with usecase.ErrInUse. A
// newer schema is refused (usecase.ErrNewerSchema), a damaged file or one
// that is not a database is explained (usecase.ErrDamaged), and a key that
// sealed none of the stored secrets is refused (seal.ErrWrongKey) before
// anything is written.
func Open(path string, opts Options) (st *Store, err error) {
	if path == "" {
		return nil, errors.New("open the database: no path given")
	}
	if opts.Keys == nil {
		return nil, errors.New("open the database: no sealing key given")
	}
	defer func() {
		if err != nil && opts.CreatedKeyFile != "" {
			_ = os.Remove(opts.CreatedKeyFile)
		}
	}()
	fresh, err := prepareFile(path, opts.ReadOnly)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && fresh != nil {
			fresh()
		}
	}()
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var db *bolt.DB
	err = guard(path, func() error {
		var oerr error
		db, oerr = bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, PageSize: pageSize, ReadOnly: opts.ReadOnly})
		return oerr
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			// Another process created the file since prepareFile and
			// holds it: it is that process's database, not ours to remove.
			fresh = nil
		}
		return nil, openError(path, err)
	}
	db.AllocSize = allocSize
	if err := checkFileSize(db, path); err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, path: path, keys: opts.Keys, now: opts.Now, actor: opts.Actor}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.prepareSchema(opts.ReadOnly); err != nil {
		db.Close()
		return nil, err
	}
	inUse, err := s.keyIDs()
	if err == nil {
		err = s.keys.CheckInUse(inUse, path)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// prepareFile refuses what cannot be a database (an empty file, a
// directory) and creates the parent directories of a new one 0700. For a
// new file it returns the clean-up that removes what was created, should
// the database not come up (a full disk must not leave an empty file and
// folder behind).
func prepareFile(path string, readOnly bool) (cleanup func(), err error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, usecase.Errorf([]error{usecase.ErrDamaged}, "%s is a directory, not an onboard database: give the path of the database file", path)
	case err == nil && fi.Size() == 0:
		return nil, usecase.Errorf([]error{usecase.ErrDamaged},
			"%s is an empty file, not an onboard database: remove it to start a new database there, or give the right path", path)
	case err == nil:
		return nil, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("open the database %s: %w", path, err)
	case readOnly:
		return nil, usecase.Errorf([]error{usecase.ErrNotFound}, "there is no database at %s", path)
	}
	// Remember which directories this call creates.
	var made []string
	for d := filepath.Dir(path); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open the database %s: %w", path, err)
	}
	return func() {
		_ = os.Remove(path)
		for _, d := range made {
			_ = os.Remove(d)
		}
	}, nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return usecase.Errorf([]error{usecase.ErrInUse},
			"the database %s is in use by another onboard process (close it and try again)", path)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, usecase.ErrDamaged),
		strings.Contains(err.Error(), "file size too small"): // bbolt has no sentinel for it
		return damaged(path, err)
	}
	return fmt.Errorf("open the database %s: %w", path, err)
}

// damaged is the one sentence for a file bbolt cannot read: what, where,
// and how to get the data back.
func damaged(path string, cause error) error {
	return usecase.Errorf([]error{usecase.ErrDamaged},
		"the database %s is damaged and cannot be read (%v): restore it from a backup (onboard db backup makes one), or move it aside to start a new one; `onboard db check` tells what is wrong",
		path, plain(cause))
}

// plain is an error's text without bbolt's trace noise, on one line.
func plain(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// guard runs fn with bbolt's panics and faults on the mapped file turned
// into an error: a truncated or overwritten file makes bbolt panic (or the
// kernel send SIGBUS); the engineer gets one line, not a goroutine trace.
func guard(path string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = damaged(path, fmt.Errorf("%v", r))
		}
	}()
	return fn()
}

// view runs a read transaction under guard.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	return guard(s.path, func() error { return s.db.View(fn) })
}

// update runs a write transaction under guard.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	return guard(s.path, func() error { return s.db.Update(fn) })
}

// read runs read in a read transaction; what it returns must not point
// into the transaction's memory. On an error the result is T's zero value.
func read[T any](s *Store, fn func(tx *bolt.Tx) (T, error)) (T, error) {
	var out T
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// prepareSchema refuses a newer schema, migrates schema 1 and creates the
// buckets of a new file.
func (s *Store) prepareSchema(readOnly bool) error {
	version, err := read(s, func(tx *bolt.Tx) (uint64, error) {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			if tx.Bucket(bucketServices) != nil || tx.Bucket(bucketCustomers) != nil {
				return 0, usecase.Errorf([]error{usecase.ErrDamaged}, "the schema version of %s is missing: this is not an onboard database", s.path)
			}
			return 0, nil
		}
		v := meta.Get(keySchema)
		if len(v) != 8 {
			return 0, usecase.Errorf([]error{usecase.ErrDamaged}, "the schema version of %s is missing or damaged: this is not an onboard database", s.path)
		}
		return binary.BigEndian.Uint64(v), nil
	})
	switch {
	case err != nil:
		return err
	case version > SchemaVersion:
		return usecase.Errorf([]error{usecase.ErrNewerSchema},
			"the database %s was written by a newer onboard (schema %d, this build knows %d): upgrade onboard", s.path, version, SchemaVersion)
	case version == SchemaVersion:
		return nil
	case readOnly:
		return usecase.Errorf([]error{usecase.ErrNewerSchema}, "the database %s has schema %d: open it once with this onboard to upgrade it", s.path, version)
	case version == 1:
		return s.migrateV1()
	}
	return s.update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create the database %s: %w", s.path, err)
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion))
	})
}

// keyIDs are the IDs of the keys the stored secrets were sealed with.
func (s *Store) keyIDs() ([]string, error) {
	return read(s, s.keyIDsIn)
}

// keyIDsIn reads the key IDs in use (a JSON list in the meta bucket).
func (s *Store) keyIDsIn(tx *bolt.Tx) ([]string, error) {
	var ids []string
	if v := tx.Bucket(bucketMeta).Get(keyKeys); v != nil {
		if err := json.Unmarshal(v, &ids); err != nil {
			return nil, usecase.Errorf([]error{usecase.ErrDamaged}, "the key IDs recorded in %s are damaged: %v", s.path, err)
		}
	}
	return ids, nil
}

// putKeyIDs records the key IDs in use.
func putKeyIDs(tx *bolt.Tx, ids []string) error {
	data, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyKeys, data)
}

// noteKey records that the current key sealed something, inside the
// transaction that stores it.
func (s *Store) noteKey(tx *bolt.Tx) error {
	ids, err := s.keyIDsIn(tx)
	if err != nil {
		return err
	}
	if id := s.keys.Current().ID(); !slices.Contains(ids, id) {
		return putKeyIDs(tx, append(ids, id))
	}
	return nil
}

// Close releases the database (and its lock).
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close the database %s: %w", s.path, err)
	}
	return nil
}

// Path is the database file's path as given to Open.
func (s *Store) Path() string { return s.path }

// stamp is the time records are stamped with, without the monotonic
// reading, so what a method returns equals what a later read gives back.
func (s *Store) stamp() time.Time { return s.now().Round(0) }
