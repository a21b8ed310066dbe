package bolt_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/store/storetest"
	"onboard/tenant/usecase"
)

// file is one bbolt database of a test.
type file struct{ path string }

func (f file) Open(keys *seal.Keyring, actor usecase.Actor) (usecase.Store, error) {
	return bolt.Open(f.path, bolt.Options{Keys: keys, Actor: actor})
}

func (f file) Raw(t testing.TB) []byte {
	b, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f file) SetSchema(t testing.TB, v int) {
	db, err := bbolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, uint64(v)))
	}); err != nil {
		t.Fatal(err)
	}
}

func (file) Exclusive() bool { return true }

func newFile(t testing.TB) storetest.Database {
	return file{path: filepath.Join(t.TempDir(), "onboard.db")}
}

// TestConformance runs the storage conformance suite on bbolt.
func TestConformance(t *testing.T) { storetest.Run(t, newFile) }
