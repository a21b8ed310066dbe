package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this build reads and writes. A database with a
// higher version is refused; one with a lower version is migrated on open.
const SchemaVersion = 1

// DefaultTimeout is how long Open waits for another process to release the
// database before it gives up with ErrInUse.
const DefaultTimeout = time.Second

// pageSize is the page size of a new database file (bbolt keeps the one a
// file was created with). A packed service record is ~700 bytes: a 4 KiB
// page holds only five, and with pages split half full that wastes more
// than a third of the file; 16 KiB pages hold over twenty.
const pageSize = 16 << 10

// allocSize is how far ahead of its pages bbolt grows the file.
const allocSize = 4 << 20

var (
	bucketMeta      = []byte("meta")
	bucketCustomers = []byte("customers")
	bucketServices  = []byte("services")
	bucketOwners    = []byte("owners")
	bucketHistory   = []byte("history")
	keySchema       = []byte("schema")
)

var allBuckets = [][]byte{bucketMeta, bucketCustomers, bucketServices, bucketOwners, bucketHistory}

// Options tune Open. The zero value is what the command line uses.
type Options struct {
	// Key is the 32-byte sealing key. Nil: ONBOARD_KEY (base64), else the
	// key file.
	Key []byte
	// KeyFile is the key file to use when no key is given. Empty:
	// ONBOARD_KEY_FILE, else onboard.key beside the database. It is created
	// (0600, random key) when it does not exist, unless the database
	// already holds sealed secrets (then Open fails with ErrCannotUnseal).
	KeyFile string
	// Timeout is how long to wait for another process to release the
	// database. Zero: DefaultTimeout.
	Timeout time.Duration
	// Now stamps CreatedAt/UpdatedAt. Nil: time.Now.
	Now func() time.Time
}

// Store is an open onboard database. Its methods are safe for concurrent
// use; one process should hold one Store per file.
type Store struct {
	db   *bolt.DB
	path string
	seal *sealer
	now  func() time.Time
}

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

// Open opens (creating if needed) the database at path. Parent directories
// are created 0700 and the file 0600. If another process has the database
// open, Open gives up after opts.Timeout with an error wrapping ErrInUse.
// A database written by a newer schema is refused with ErrNewerSchema.
// The sealing key is loaded (or its file created) here, so a bad key or a
// key file with loose permissions is reported before any work is done. A
// missing key file is not replaced by a new key while the database holds
// secrets sealed with the old one (ErrCannotUnseal, naming the file).
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: no database path given")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, PageSize: pageSize})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, kindErr([]error{ErrInUse},
				"the database %s is in use by another onboard process (close it and try again)", path)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// bbolt grows the file 16 MB ahead of its pages; onboard writes a few
	// records a minute, so smaller steps keep the file close to its data.
	db.AllocSize = allocSize
	s := &Store{db: db, path: path, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.checkSchema(); err != nil {
		db.Close()
		return nil, err
	}
	var created string
	if s.seal, created, err = loadKey(path, opts); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if created != "" {
		if err := s.refuseNewKey(created); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// refuseNewKey undoes the creation of a key file for a database that
// already holds sealed secrets: they were sealed with another key, which a
// new one can never unseal, and secrets saved from now on would be sealed
// with a second key. The key file has been lost, moved, or is named
// differently in this shell (ONBOARD_KEY_FILE, ONBOARD_KEY).
func (s *Store) refuseNewKey(keyFile string) error {
	sealed := ""
	_ = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketServices).ForEach(func(_, v []byte) error {
			if rec, err := s.decodeService(v); err == nil && rec.Sealed != nil {
				sealed = rec.Name
				return errStop
			}
			return nil
		})
	})
	if sealed == "" {
		return nil
	}
	if err := os.Remove(keyFile); err != nil {
		return fmt.Errorf("open store %s: remove the key file just created: %w", s.path, err)
	}
	return kindErr([]error{ErrCannotUnseal},
		"open store %s: there is no key file %s, but the database holds client secrets (service %s, …) sealed with a key: "+
			"restore that key file, or give its key with %s or %s (a new key could never unseal them)",
		s.path, keyFile, sealed, EnvKeyFile, EnvKey)
}

// errStop ends a ForEach early.
var errStop = errors.New("stop")

// checkSchema refuses a newer schema and creates the buckets of a new file.
func (s *Store) checkSchema() error {
	var version uint64
	ready := false
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil
		}
		v := meta.Get(keySchema)
		if len(v) != 8 {
			return fmt.Errorf("open store %s: the schema version is missing or damaged: this is not an onboard database", s.path)
		}
		version = binary.BigEndian.Uint64(v)
		ready = version == SchemaVersion
		for _, b := range allBuckets {
			ready = ready && tx.Bucket(b) != nil
		}
		return nil
	})
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return s.newerSchema(version)
	}
	if ready {
		return nil
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("open store %s: %w", s.path, err)
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion))
	})
}

func (s *Store) newerSchema(version uint64) error {
	return kindErr([]error{ErrNewerSchema},
		"the database %s was written by a newer onboard (schema %d, this build knows %d): upgrade onboard",
		s.path, version, SchemaVersion)
}

// Close releases the database (and its lock).
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Path is the database file's path as given to Open.
func (s *Store) Path() string { return s.path }

// view runs read in a read transaction. What read returns must not point
// into the transaction's memory (decoding copies). On an error the result
// is T's zero value, never a partial one.
func view[T any](s *Store, read func(tx *bolt.Tx) (T, error)) (T, error) {
	var out T
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = read(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// stamp is the time records are stamped with: without the monotonic reading,
// so what a method returns equals what a later read gives back.
func (s *Store) stamp() time.Time { return s.now().Round(0) }
