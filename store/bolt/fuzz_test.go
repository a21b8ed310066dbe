package bolt_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/store/storetest"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// A real database to damage: built once, copied for every case.
var (
	realOnce sync.Once
	realDB   []byte
	realKeys *seal.Keyring
)

func realDatabase(t testing.TB) ([]byte, *seal.Keyring) {
	realOnce.Do(func() {
		realKeys = seal.NewKeyring(storetest.NewKey(t))
		path := filepath.Join(t.TempDir(), "real.db")
		st, err := bolt.Open(path, bolt.Options{Keys: realKeys, Actor: storetest.Engineer})
		if err != nil {
			t.Fatal(err)
		}
		storetest.Fill(t, st, 40, 2)
		if errs := st.RecordValidations([]usecase.Recorded{{Name: "svc-00000", Report: tenant.ValidationReport{At: time.Now(), Status: tenant.StatusPass}}}); errs[0] != nil {
			t.Fatal(errs[0])
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if realDB, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	})
	if realDB == nil {
		t.Fatal("no real database")
	}
	return realDB, realKeys
}

const fuzzPage = 16 << 10 // the page size of a new file (bolt.go)

// FuzzDamagedFile damages a copy of a real database (truncates it,
// overwrites a page, flips bits) and uses it as onboard would: every
// outcome must be a clean one-line error or correct data, never a panic
// or a fault. The seed corpus runs in every `go test`.
func FuzzDamagedFile(f *testing.F) {
	// op 0: truncate at off; 1: overwrite the page at off with data
	// repeated; 2: flip the bits of data into the bytes from off on.
	for _, off := range []uint32{0, 100, fuzzPage, 2*fuzzPage + 10, 3 * fuzzPage, 5*fuzzPage + 1, 9 * fuzzPage} {
		f.Add(uint8(0), off, []byte{})
	}
	for _, page := range []uint32{0, 1, 2, 3, 4, 6, 9} {
		f.Add(uint8(1), page*fuzzPage, []byte{0})
		f.Add(uint8(1), page*fuzzPage, []byte{0xff})
	}
	f.Add(uint8(1), uint32(5*fuzzPage+16), []byte("{\"v\":9}"))
	for _, off := range []uint32{0, 20, fuzzPage + 20, 2*fuzzPage + 16, 3*fuzzPage + 40, 4*fuzzPage + 100, 7*fuzzPage + 300} {
		f.Add(uint8(2), off, []byte{0x80, 0x7f, 0x10, 0xff})
	}
	f.Fuzz(func(t *testing.T, op uint8, off uint32, data []byte) {
		base, keys := realDatabase(t)
		b := append([]byte(nil), base...)
		at := int(off) % len(b)
		switch op % 3 {
		case 0:
			b = b[:at]
		case 1:
			if len(data) == 0 {
				data = []byte{0}
			}
			start := at - at%fuzzPage
			for i := start; i < min(start+fuzzPage, len(b)); i++ {
				b[i] = data[(i-start)%len(data)]
			}
		case 2:
			for i, x := range data {
				b[(at+i*97)%len(b)] ^= x
			}
		}
		path := filepath.Join(t.TempDir(), "damaged.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		useDamaged(t, path, keys)
	})
}

// useDamaged opens a damaged file and reads and writes it as the commands
// do; it fails the test on a panic (the test crashes) or an error that is
// not one clean line of a known kind.
func useDamaged(t *testing.T, path string, keys *seal.Keyring) {
	clean := func(what string, err error, kinds ...error) {
		t.Helper()
		if err == nil {
			return
		}
		if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "goroutine ") {
			t.Errorf("%s: not one clean line: %q", what, err)
		}
		for _, k := range append(kinds, usecase.ErrDamaged, usecase.ErrNewerSchema) {
			if errors.Is(err, k) {
				return
			}
		}
		t.Errorf("%s: %v (want usecase.ErrDamaged)", what, err)
	}
	st, err := bolt.Open(path, bolt.Options{Keys: keys, Actor: storetest.Engineer, Timeout: 50 * time.Millisecond})
	if err != nil {
		clean("open", err, seal.ErrWrongKey)
		return
	}
	defer st.Close()
	_, err = st.ListCustomers()
	clean("list customers", err)
	sums, err := st.ListSummaries()
	clean("list summaries", err)
	l, err := st.ListServices()
	clean("list services", err)
	for _, u := range l.Unreadable {
		clean("unreadable "+u.Name, u.Err, usecase.ErrCannotUnseal)
	}
	// What is read is right: a secret that unseals is the one sealed (the
	// seal is authenticated and bound to the service's name).
	for _, s := range l.Services {
		if !s.App.Secret.IsZero() && s.App.Secret.Reveal() != storetest.SecretOf(s.Name).Reveal() {
			t.Errorf("service %s: a wrong secret was read", s.Name)
		}
	}
	for i, s := range sums {
		if i%7 != 0 {
			continue
		}
		_, err := st.GetService(s.Name)
		clean("get "+s.Name, err, usecase.ErrCannotUnseal, usecase.ErrNotFound)
		_, err = st.History(s.Name)
		clean("history "+s.Name, err, usecase.ErrNotFound)
	}
	_, err = st.Audit(usecase.AuditFilter{})
	clean("audit", err)
	res, err := st.Check(context.Background())
	clean("check", err)
	for _, p := range res.Problems {
		if strings.Contains(p.String(), "goroutine ") {
			t.Errorf("check: %s", p)
		}
	}
	errs := st.RecordValidations([]usecase.Recorded{{Name: "svc-00001", Report: tenant.ValidationReport{At: time.Now(), Status: tenant.StatusPass}}})
	clean("record", errs[0], usecase.ErrNotFound)
	_, err = st.CreateCustomer("Fuzz customer")
	clean("create customer", err, usecase.ErrExists)
}
