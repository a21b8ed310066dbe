package store

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"onboard/tenant"
)

// A secret written through the store must not appear in the file in any
// form: not as is, not base64-encoded, not in any JSON value.
func TestSecretAbsentFromDatabaseFile(t *testing.T) {
	s, path := openWithKeyFile(t)
	dir := filepath.Dir(path)
	first := "Zq8~first-SECRET-4f9b2c7e1a"
	second := "Xy7~second-SECRET-8d3e6a0b5c"
	svc := fullService("con-1", "Contoso")
	svc.App.Secret = tenant.NewSecret(first)
	mustService(t, s, svc)
	if err := s.ReplaceSecret("con-1", tenant.NewSecret(second), sampleReport(t0, tenant.StatusPass)); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateService("con-1", func(svc *tenant.Service) error { svc.Users = 7; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetService("con-1"); got.App.Secret.Reveal() != second {
		t.Fatal("the secret did not round-trip")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{first, second} {
		forms := map[string]string{
			"plain":        secret,
			"base64":       base64.StdEncoding.EncodeToString([]byte(secret)),
			"base64 raw":   base64.RawStdEncoding.EncodeToString([]byte(secret)),
			"base64 url":   base64.URLEncoding.EncodeToString([]byte(secret)),
			"secret body":  secret[4:], // after the 3-character hint and a separator
			"hex":          strings.ToLower(string(hexOf(secret))),
			"JSON escaped": strings.ReplaceAll(secret, "~", `\u007e`),
		}
		for form, needle := range forms {
			if bytes.Contains(data, []byte(needle)) {
				t.Errorf("the database file contains the secret (%s form)", form)
			}
		}
	}
	if bytes.Contains(data, bytes.TrimSpace(key)) {
		t.Error("the database file contains the sealing key")
	}
}

// openWithKeyFile opens a new database in a temporary directory with the
// zero Options, so the key file is created beside it, and adds customer
// Contoso.
func openWithKeyFile(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "onboard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustCustomer(t, s, "Contoso")
	return s, path
}

func hexOf(s string) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, digits[s[i]>>4], digits[s[i]&15])
	}
	return out
}

func TestKeyFileCreatedPrivate(t *testing.T) {
	s, path := openWithKeyFile(t)
	mustService(t, s, fullService("con-1", "Contoso"))
	s.Close()
	keyFile := filepath.Join(filepath.Dir(path), KeyFileName)
	fi, err := os.Stat(keyFile)
	if err != nil {
		t.Fatalf("key file not created beside the database: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	text, _ := os.ReadFile(keyFile)
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(key) != KeySize {
		t.Fatalf("key file holds %q: %v", text, err)
	}
	// The same key given by ONBOARD_KEY, or Options.Key, unseals it.
	t.Setenv(EnvKey, strings.TrimSpace(string(text)))
	reopenAndReveal(t, path, Options{})
	t.Setenv(EnvKey, "")
	reopenAndReveal(t, path, Options{Key: key})
	// A key file named by ONBOARD_KEY_FILE (here: the raw-bytes form).
	other := filepath.Join(t.TempDir(), "k", "raw.key")
	os.MkdirAll(filepath.Dir(other), 0o700)
	if err := os.WriteFile(other, key, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(keyFile) // the default must not be what is used
	t.Setenv(EnvKeyFile, other)
	reopenAndReveal(t, path, Options{})
	if _, err := os.Stat(keyFile); err == nil {
		t.Fatal("a default key file was created although ONBOARD_KEY_FILE was set")
	}
}

func reopenAndReveal(t *testing.T, path string, opts Options) {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetService("con-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.App.Secret.Reveal() != fullService("con-1", "").App.Secret.Reveal() {
		t.Fatal("wrong secret")
	}
}

func TestKeyFileWithOpenPermissionsRefused(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o601} {
		dir := t.TempDir()
		keyFile := filepath.Join(dir, KeyFileName)
		if err := os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(make([]byte, 32))), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(keyFile, mode); err != nil {
			t.Fatal(err)
		}
		s, err := Open(filepath.Join(dir, "onboard.db"), Options{})
		if err == nil {
			s.Close()
			t.Fatalf("mode %04o: key file accepted", mode)
		}
		wantKind(t, err, ErrKeyPermissions, keyFile, "chmod 600 "+keyFile)
	}
}

func TestWrongKeyCannotUnseal(t *testing.T) {
	s, path := openWithKeyFile(t)
	mustService(t, s, fullService("con-1", "Contoso"))
	mustService(t, s, pendingService("pend-1", "Contoso"))
	s.Close()

	wrong := bytes.Repeat([]byte{7}, KeySize)
	s, err := Open(path, Options{Key: wrong})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	secret := fullService("con-1", "").App.Secret.Reveal()
	_, err = s.GetService("con-1")
	wantKind(t, err, ErrCannotUnseal, "cannot unseal the client secret of service con-1",
		"the key does not match the one it was sealed with")
	if strings.Contains(err.Error(), secret) {
		t.Fatal("the error contains the secret")
	}
	// All or nothing: no list with some secrets silently missing.
	if list, err := s.ListServices(); !errors.Is(err, ErrCannotUnseal) || list != nil {
		t.Fatalf("ListServices with the wrong key = %d services, %v", len(list), err)
	}
	if list, err := s.ServicesOf("contoso"); !errors.Is(err, ErrCannotUnseal) || list != nil {
		t.Fatalf("ServicesOf with the wrong key = %d services, %v", len(list), err)
	}
	// What has no secret is still readable; what needs one is refused.
	if _, err := s.GetService("pend-1"); err != nil {
		t.Fatalf("service without a secret: %v", err)
	}
	if err := s.RecordValidation("con-1", sampleReport(t0, tenant.StatusPass)); err != nil {
		t.Fatalf("RecordValidation needs no unsealing: %v", err)
	}
	if err := s.UpdateService("con-1", func(*tenant.Service) error { return nil }); !errors.Is(err, ErrCannotUnseal) {
		t.Fatalf("UpdateService with the wrong key = %v", err)
	}
	// ReplaceSecret with the new key is how an engineer recovers.
	if err := s.ReplaceSecret("con-1", tenant.NewSecret("recovered-secret"), sampleReport(t0, tenant.StatusPass)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetService("con-1"); err != nil || got.App.Secret.Reveal() != "recovered-secret" {
		t.Fatalf("after ReplaceSecret: %v", err)
	}
}

// A sealed value copied onto another service's record must not unseal there.
func TestSealedSecretBoundToItsService(t *testing.T) {
	s := openTemp(t)
	mustCustomer(t, s, "Contoso")
	mustService(t, s, fullService("con-1", "Contoso"))
	mustService(t, s, fullService("con-2", "Contoso"))
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketServices)
		one, err := s.decodeService(b.Get(nameKey("con-1")))
		if err != nil {
			return err
		}
		two, err := s.decodeService(b.Get(nameKey("con-2")))
		if err != nil {
			return err
		}
		two.Sealed = one.Sealed
		return putJSON(b, nameKey("con-2"), two)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.GetService("con-2")
	wantKind(t, err, ErrCannotUnseal, "service con-2")
}

func TestBadKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "onboard.db")
	cases := []struct {
		name  string
		env   string
		opts  Options
		setup func()
		want  []string
	}{
		{name: "ONBOARD_KEY too short", env: base64.StdEncoding.EncodeToString(make([]byte, 16)),
			want: []string{"ONBOARD_KEY must be 32 bytes in base64, it decodes to 16 bytes"}},
		{name: "ONBOARD_KEY too long", env: base64.StdEncoding.EncodeToString(make([]byte, 33)),
			want: []string{"ONBOARD_KEY", "decodes to 33 bytes"}},
		{name: "ONBOARD_KEY not base64", env: "this is not base64!",
			want: []string{"ONBOARD_KEY is not valid base64"}},
		{name: "Options.Key short", opts: Options{Key: make([]byte, 31)},
			want: []string{"must be a 32-byte key (it is 31 bytes)"}},
		{name: "key file garbage", opts: Options{KeyFile: filepath.Join(dir, "garbage.key")},
			setup: func() { os.WriteFile(filepath.Join(dir, "garbage.key"), []byte("hello\n"), 0o600) },
			want:  []string{filepath.Join(dir, "garbage.key"), "does not hold a 32-byte key"}},
		{name: "key file is a directory", opts: Options{KeyFile: dir},
			want: []string{dir, "not a regular file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(EnvKey, c.env)
			if c.setup != nil {
				c.setup()
			}
			s, err := Open(path, c.opts)
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a bad key")
			}
			wantKind(t, err, ErrBadKey, c.want...)
		})
	}
	// A refused key leaves the database closed: it can be opened again.
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// Processes (here: goroutines) creating the key file at the same moment
// must all end up with the one key that won.
func TestKeyFileCreationRace(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys", KeyFileName)
	const racers = 8
	keys := make([][]byte, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			keys[i], _, errs[i] = readOrCreateKeyFile(file)
		}()
	}
	close(start)
	wg.Wait()
	for i := range racers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) || len(keys[i]) != KeySize {
			t.Fatal("racing creators got different keys")
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".onboard.key-*"))
	if len(left) != 0 {
		t.Fatalf("temporary key files left behind: %v", left)
	}
}

func TestSealRoundTripAndNonce(t *testing.T) {
	sl, err := newSealer(bytes.Repeat([]byte{1}, KeySize), "test key")
	if err != nil {
		t.Fatal(err)
	}
	secret := tenant.NewSecret("päss~wörd")
	a, _ := sl.seal("Svc-1", secret)
	b, _ := sl.seal("svc-1", secret)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of one secret are equal: the nonce is not random")
	}
	for _, blob := range [][]byte{a, b} {
		got, err := sl.unseal("SVC-1", blob) // bound to the name ignoring case
		if err != nil || got != secret {
			t.Fatalf("unseal = %v, %v", got, err)
		}
	}
	if _, err := sl.unseal("svc-2", a); !errors.Is(err, ErrCannotUnseal) {
		t.Fatalf("unseal under another name = %v", err)
	}
	if _, err := sl.unseal("svc-1", a[:len(a)-1]); !errors.Is(err, ErrCannotUnseal) {
		t.Fatalf("truncated = %v", err)
	}
}

// Unsealing arbitrary bytes (a damaged or hostile file) returns an error,
// never a panic and never a value.
func FuzzUnseal(f *testing.F) {
	sl, err := newSealer(bytes.Repeat([]byte{9}, KeySize), "fuzz key")
	if err != nil {
		f.Fatal(err)
	}
	good, _ := sl.seal("svc-1", tenant.NewSecret("a-real-secret"))
	f.Add([]byte{})
	f.Add([]byte{sealFormat})
	f.Add(good)
	f.Add(good[:13])
	f.Add(append([]byte{2}, good[1:]...))
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	if got, err := sl.unseal("svc-1", good); err != nil || got.Reveal() != "a-real-secret" {
		f.Fatalf("the good value did not unseal: %v", err)
	}
	// Fuzz workers are other processes, each sealing its own good value
	// (random nonce): whatever unseals must be one of those, i.e. the one
	// secret this key ever sealed for svc-1.
	f.Fuzz(func(t *testing.T, blob []byte) {
		got, err := sl.unseal("svc-1", blob)
		if err == nil {
			if got.Reveal() != "a-real-secret" {
				t.Fatalf("unsealed %x to a value that was never sealed", blob)
			}
			return
		}
		if !errors.Is(err, ErrCannotUnseal) || !got.IsZero() {
			t.Fatalf("unseal error %v, value set %v", err, !got.IsZero())
		}
	})
}

// A key file's content is the other thing read from outside: parsing any
// bytes gives a 32-byte key or ErrBadKey, never a panic.
func FuzzParseKeyFile(f *testing.F) {
	f.Add([]byte(base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n"))
	f.Add(make([]byte, 32))
	f.Add([]byte("  \n"))
	f.Add([]byte("====="))
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := parseKeyFile("k", data)
		if err == nil && len(key) != KeySize {
			t.Fatalf("key of %d bytes accepted", len(key))
		}
		if err != nil && !errors.Is(err, ErrBadKey) {
			t.Fatalf("error %v is not ErrBadKey", err)
		}
	})
}

// A key file that has gone missing is not silently replaced while the
// database holds secrets sealed with it: the new key could never unseal
// them, and secrets saved later would be sealed with a second key.
func TestLostKeyFileNotReplaced(t *testing.T) {
	s, path := openWithKeyFile(t)
	mustService(t, s, pendingService("pend-1", "Contoso"))
	s.Close()
	keyFile := filepath.Join(filepath.Dir(path), KeyFileName)
	// Without secrets in the database, a new key loses nothing.
	os.Remove(keyFile)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("database without secrets, key file gone: %v", err)
	}
	mustService(t, s, fullService("con-1", "Contoso"))
	s.Close()
	saved, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}

	os.Remove(keyFile)
	_, err = Open(path, Options{})
	wantKind(t, err, ErrCannotUnseal, "there is no key file "+keyFile, "service con-1", "restore that key file", EnvKeyFile)
	if _, serr := os.Stat(keyFile); !errors.Is(serr, os.ErrNotExist) {
		t.Fatalf("a new key file was left in place of the lost one: %v", serr)
	}
	// Once the key file is back, everything opens and unseals.
	if err := os.WriteFile(keyFile, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	reopenAndReveal(t, path, Options{})
}
