package seal_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"onboard/store/seal"
	"onboard/tenant"
)

// noEnv is a Getenv that sees none of the developer's ONBOARD_* variables.
func noEnv(string) string { return "" }

// env is a Getenv that sees only vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func rawKey(b byte) []byte { return bytes.Repeat([]byte{b}, seal.KeySize) }

func mustKey(t testing.TB, raw []byte) *seal.Key {
	t.Helper()
	k, err := seal.NewKey(raw, "test key")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// wantKind fails unless err wraps kind and says every part.
func wantKind(t *testing.T, err, kind error, parts ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v: want errors.Is %v", err, kind)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

// The key file is created on first use with a random key, private to its
// owner (0600 under directories created 0700), and read back unchanged.
func TestKeyFileCreatedPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	file := filepath.Join(dir, seal.KeyFileName)
	l, err := seal.Load(seal.Source{DefaultFile: file, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if l.Created != file {
		t.Errorf("Created = %q, want %q", l.Created, file)
	}
	for p, want := range map[string]os.FileMode{file: 0o600, dir: 0o700, filepath.Dir(dir): 0o700} {
		if got := mode(t, p); got != want {
			t.Errorf("%s has mode %04o, want %04o", p, got, want)
		}
	}
	text, _ := os.ReadFile(file)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(raw) != seal.KeySize || bytes.Equal(raw, make([]byte, seal.KeySize)) {
		t.Fatalf("the key file holds %d bytes (%v), want a random 32-byte key in base64", len(raw), err)
	}
	if want := mustKey(t, raw).ID(); l.Key.ID() != want {
		t.Errorf("loaded key %s, the file holds key %s", l.Key.ID(), want)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".onboard.key-*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	// Loaded again: the same key, and not created this time.
	again, err := seal.Load(seal.Source{DefaultFile: file, Getenv: noEnv})
	if err != nil || again.Created != "" || again.Key.ID() != l.Key.ID() {
		t.Fatalf("second load: created %q, key %v, err %v", again.Created, again.Key, err)
	}
	// The same key given as ONBOARD_KEY, explicitly, or as raw bytes in a
	// file named by ONBOARD_KEY_FILE (head -c 32 /dev/urandom > file).
	rawFile := filepath.Join(t.TempDir(), "raw.key")
	if err := os.WriteFile(rawFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]seal.Source{
		"ONBOARD_KEY":      {DefaultFile: file, Getenv: env(map[string]string{seal.EnvKey: " " + strings.TrimSpace(string(text)) + "\n"})},
		"explicit":         {Key: raw, DefaultFile: file, Getenv: noEnv},
		"ONBOARD_KEY_FILE": {DefaultFile: file, Getenv: env(map[string]string{seal.EnvKeyFile: rawFile})},
		"File":             {File: rawFile, DefaultFile: file, Getenv: noEnv},
	} {
		got, err := seal.Load(src)
		if err != nil || got.Key.ID() != l.Key.ID() || got.Created != "" {
			t.Errorf("%s: key %v, created %q, err %v", name, got.Key, got.Created, err)
		}
	}
	// A key file named explicitly is used; the default is not created.
	other := filepath.Join(t.TempDir(), "default", seal.KeyFileName)
	if _, err := seal.Load(seal.Source{DefaultFile: other, Getenv: env(map[string]string{seal.EnvKeyFile: rawFile})}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("a default key file was created although ONBOARD_KEY_FILE was set")
	}
}

// A key file that group or others can read or write is refused, as ssh
// refuses a private key, with the command that fixes it.
func TestKeyFileWithOpenPermissionsRefused(t *testing.T) {
	for _, m := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o620, 0o602, 0o601, 0o666} {
		file := filepath.Join(t.TempDir(), seal.KeyFileName)
		if err := os.WriteFile(file, []byte(base64.StdEncoding.EncodeToString(rawKey(1))+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, m); err != nil {
			t.Fatal(err)
		}
		for _, create := range []bool{true, false} {
			_, err := seal.LoadFile(file, create)
			wantKind(t, err, seal.ErrKeyPermissions, file, "chmod 600 "+file)
		}
		_, err := seal.Load(seal.Source{DefaultFile: file, Getenv: noEnv})
		wantKind(t, err, seal.ErrKeyPermissions, "chmod 600 "+file)
		if got := mode(t, file); got != m {
			t.Errorf("the refused key file's mode changed from %04o to %04o", m, got)
		}
	}
}

// Every bad key is seal.ErrBadKey, says what is wrong and how to fix it.
func TestBadKeys(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.key")
	if err := os.WriteFile(garbage, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.key")
	if err := os.WriteFile(short, []byte(base64.StdEncoding.EncodeToString(rawKey(1)[:16])+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Logf("no fifo case: %v", err)
		fifo = ""
	}
	b64 := base64.StdEncoding.EncodeToString
	cases := []struct {
		name string
		src  seal.Source
		want []string
	}{
		{"ONBOARD_KEY too short", seal.Source{Getenv: env(map[string]string{seal.EnvKey: b64(rawKey(1)[:16])})},
			[]string{"ONBOARD_KEY must be 32 bytes in base64, it decodes to 16 bytes", "head -c 32 /dev/urandom | base64"}},
		{"ONBOARD_KEY too long", seal.Source{Getenv: env(map[string]string{seal.EnvKey: b64(append(rawKey(1), 1))})},
			[]string{"ONBOARD_KEY", "decodes to 33 bytes"}},
		{"ONBOARD_KEY not base64", seal.Source{Getenv: env(map[string]string{seal.EnvKey: "this is not base64!"})},
			[]string{"ONBOARD_KEY is not valid base64", "head -c 32 /dev/urandom | base64"}},
		{"explicit key short", seal.Source{Key: rawKey(1)[:31], Getenv: noEnv},
			[]string{"must be a 32-byte key (it is 31 bytes)"}},
		{"explicit key empty", seal.Source{Key: []byte{}, Getenv: noEnv},
			[]string{"must be a 32-byte key (it is 0 bytes)"}},
		{"key file garbage", seal.Source{File: garbage, Getenv: noEnv},
			[]string{garbage, "does not hold a 32-byte key"}},
		{"key file of 16 bytes", seal.Source{File: short, Getenv: noEnv},
			[]string{short, "does not hold a 32-byte key"}},
		{"key file is a directory", seal.Source{File: dir, Getenv: noEnv},
			[]string{dir, "not a regular file"}},
		{"no key at all", seal.Source{Getenv: noEnv},
			[]string{"no sealing key", seal.EnvKey, seal.EnvKeyFile}},
	}
	if fifo != "" {
		cases = append(cases, struct {
			name string
			src  seal.Source
			want []string
		}{"key file is a fifo", seal.Source{File: fifo, Getenv: noEnv}, []string{fifo, "not a regular file"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := load(t, c.src)
			if err == nil {
				t.Fatalf("a bad key was accepted (key %s)", l.Key.ID())
			}
			wantKind(t, err, seal.ErrBadKey, c.want...)
			if l.Key != nil || l.Created != "" {
				t.Errorf("a refused key returned %+v", l)
			}
		})
	}
	if _, err := seal.NewKey(rawKey(1)[:16], "ONBOARD_KEY"); !errors.Is(err, seal.ErrBadKey) {
		t.Errorf("NewKey of 16 bytes: %v", err)
	}
}

// load is seal.Load that fails the test instead of hanging (a key file
// that is a fifo must be refused, not waited on).
func load(t *testing.T, src seal.Source) (seal.Loaded, error) {
	t.Helper()
	type result struct {
		l   seal.Loaded
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, err := seal.Load(src)
		done <- result{l, err}
	}()
	select {
	case r := <-done:
		return r.l, r.err
	case <-time.After(20 * time.Second): // a hang, not a slow machine
		t.Fatal("seal.Load hung")
		return seal.Loaded{}, nil
	}
}

// Processes (here goroutines, which race through the same files) creating
// the key file at the same moment all end up with the one key that won,
// and exactly one of them says it created it.
func TestKeyFileCreationRace(t *testing.T) {
	for round := range 20 {
		file := filepath.Join(t.TempDir(), "keys", seal.KeyFileName)
		const racers = 8
		got := make([]seal.Loaded, racers)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				got[i], errs[i] = seal.LoadFile(file, true)
			}()
		}
		close(start)
		wg.Wait()
		created := 0
		for i := range racers {
			if errs[i] != nil {
				t.Fatalf("round %d: %v", round, errs[i])
			}
			if got[i].Key.ID() != got[0].Key.ID() {
				t.Fatalf("round %d: racing creators got different keys", round)
			}
			if got[i].Created != "" {
				created++
			}
		}
		if created != 1 {
			t.Fatalf("round %d: %d loaders say they created the key file, want 1", round, created)
		}
		onDisk, err := seal.LoadFile(file, false)
		if err != nil || onDisk.Key.ID() != got[0].Key.ID() {
			t.Fatalf("round %d: the key file holds another key: %v", round, err)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".onboard.key-*")); len(left) != 0 {
			t.Fatalf("round %d: temporary key files left behind: %v", round, left)
		}
	}
}

func TestLoadFileWithoutCreate(t *testing.T) {
	file := filepath.Join(t.TempDir(), seal.KeyFileName)
	if _, err := seal.LoadFile(file, false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing key file: %v", err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("LoadFile without create created the key file")
	}
}

func TestSealRoundTripAndNonce(t *testing.T) {
	ring := seal.NewKeyring(mustKey(t, rawKey(1)))
	secret := tenant.NewSecret("päss~wörd/with+specials=")
	a, err := ring.Seal("Svc-1", secret)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ring.Seal("svc-1", secret)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of one secret are equal: the nonce is not fresh")
	}
	// format 2 | key ID | 12-byte nonce | ciphertext | 16-byte tag
	if a[0] != 2 || len(a) != 1+8+12+len(secret.Reveal())+16 {
		t.Errorf("sealed value of %d bytes, format %d", len(a), a[0])
	}
	if bytes.Equal(a[9:21], b[9:21]) {
		t.Error("two seals share a nonce")
	}
	if bytes.Contains(a, []byte(secret.Reveal())) {
		t.Error("the sealed value contains the secret")
	}
	for _, blob := range [][]byte{a, b} {
		got, err := ring.Unseal("SVC-1", blob) // bound to the name ignoring case
		if err != nil || got.Reveal() != secret.Reveal() {
			t.Fatalf("unseal = %v, %v", got, err)
		}
	}
	damaged := bytes.Clone(a)
	damaged[len(damaged)-1] ^= 1
	for what, blob := range map[string][]byte{
		"truncated": a[:len(a)-1], "tag changed": damaged, "empty": nil, "format only": a[:1], "no ciphertext": a[:9],
	} {
		got, err := ring.Unseal("svc-1", blob)
		if !errors.Is(err, seal.ErrUnseal) || !got.IsZero() {
			t.Errorf("%s: %v, %v; want seal.ErrUnseal and no value", what, got, err)
		}
	}
	// The empty secret seals and unseals too (a backend never asks, but the
	// value must not be mistaken for damage).
	e, err := ring.Seal("svc-1", tenant.Secret{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ring.Unseal("svc-1", e); err != nil || !got.IsZero() {
		t.Errorf("empty secret: %v %v", got, err)
	}
}

// A sealed value copied onto another service does not unseal there: the
// service's name is the additional data of the seal.
func TestSealedValueBoundToItsService(t *testing.T) {
	ring := seal.NewKeyring(mustKey(t, rawKey(1)))
	sealed, _ := ring.Seal("con-1", tenant.NewSecret("Zq8~secret-of-con-1"))
	got, err := ring.Unseal("con-2", sealed)
	wantKind(t, err, seal.ErrUnseal, "service con-2", "moved from another service")
	if !got.IsZero() || strings.Contains(err.Error(), "Zq8~secret") {
		t.Errorf("the secret leaked: %v / %v", got, err)
	}
	// The same for the first format.
	v1 := sealV1(t, rawKey(1), "con-1", "Zq8~secret-of-con-1")
	if _, err := ring.Unseal("con-2", v1); !errors.Is(err, seal.ErrUnseal) {
		t.Errorf("format 1 moved to another service: %v", err)
	}
}

// sealV1 seals as the first onboard did: 0x01 | nonce | ciphertext and tag,
// no key ID, with the same AES-256-GCM and additional data.
func sealV1(t testing.TB, raw []byte, service, secret string) []byte {
	t.Helper()
	block, err := aes.NewCipher(raw)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 1+aead.NonceSize())
	out[0] = 1
	if _, err := rand.Read(out[1:]); err != nil {
		t.Fatal(err)
	}
	ad := []byte("onboard client secret of service " + tenant.NameKey(service))
	return aead.Seal(out, out[1:], []byte(secret), ad)
}

// A value sealed by the first onboard (format 1, no key ID) still unseals,
// with whichever key of the ring opens it; a ring without that key says so.
func TestFormat1StillUnseals(t *testing.T) {
	old, newer := rawKey(1), rawKey(2)
	v1 := sealV1(t, old, "Con-1", "Zq8~first-format-secret")
	if id := seal.KeyIDOf(v1); id != "" {
		t.Errorf("KeyIDOf(format 1) = %q, want none", id)
	}
	for name, ring := range map[string]*seal.Keyring{
		"its key":               seal.NewKeyring(mustKey(t, old)),
		"its key as an old one": seal.NewKeyring(mustKey(t, newer), mustKey(t, old)),
	} {
		got, err := ring.Unseal("CON-1", v1)
		if err != nil || got.Reveal() != "Zq8~first-format-secret" {
			t.Errorf("%s: %v %v", name, got, err)
		}
	}
	_, err := seal.NewKeyring(mustKey(t, newer)).Unseal("con-1", v1)
	wantKind(t, err, seal.ErrUnseal, "does not open the client secret of service con-1")
}

func TestKeyIDOf(t *testing.T) {
	k1, k2 := mustKey(t, rawKey(1)), mustKey(t, rawKey(2))
	if len(k1.ID()) != 16 || k1.ID() == k2.ID() || k1.ID() != mustKey(t, rawKey(1)).ID() {
		t.Fatalf("key IDs %s %s: want 16 hex digits, stable, distinct", k1.ID(), k2.ID())
	}
	if strings.Contains(k1.ID(), "0101") {
		t.Errorf("the key ID %s shows the key", k1.ID())
	}
	ring := seal.NewKeyring(k2, k1)
	sealed, _ := ring.Seal("svc", tenant.NewSecret("s3cr3t-value"))
	if got := seal.KeyIDOf(sealed); got != k2.ID() {
		t.Errorf("KeyIDOf = %q, want the current key %s", got, k2.ID())
	}
	for _, blob := range [][]byte{nil, {2}, sealed[:9], {3, 1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		if got := seal.KeyIDOf(blob); got != "" {
			t.Errorf("KeyIDOf(%x) = %q, want none", blob, got)
		}
	}
	// A value sealed with a key of the ring that is not the current one
	// unseals; with a ring that lacks it, the error names the key needed.
	if got, err := seal.NewKeyring(k1, k2).Unseal("svc", sealed); err != nil || got.Reveal() != "s3cr3t-value" {
		t.Errorf("older key of the ring: %v", err)
	}
	_, err := seal.NewKeyring(k1).Unseal("svc", sealed)
	wantKind(t, err, seal.ErrUnseal, k2.ID(), k1.ID())
	if ids := ring.IDs(); len(ids) != 2 || ids[0] != k2.ID() || ids[1] != k1.ID() {
		t.Errorf("IDs = %v, want current first", ids)
	}
}

func TestCheckInUse(t *testing.T) {
	k1, k2, k3 := mustKey(t, rawKey(1)), mustKey(t, rawKey(2)), mustKey(t, rawKey(3))
	if err := seal.NewKeyring(k1).CheckInUse(nil, "db"); err != nil {
		t.Errorf("an empty database refused a key: %v", err)
	}
	for name, c := range map[string]struct {
		ring  *seal.Keyring
		inUse []string
	}{
		"current in use":           {seal.NewKeyring(k1), []string{k1.ID()}},
		"one of two in use":        {seal.NewKeyring(k1), []string{k2.ID(), k1.ID()}},
		"an older key of the ring": {seal.NewKeyring(k3, k2), []string{k2.ID()}},
	} {
		if err := c.ring.CheckInUse(c.inUse, "db"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	err := seal.NewKeyring(k3).CheckInUse([]string{k1.ID(), k2.ID()}, "/data/onboard.db")
	wantKind(t, err, seal.ErrWrongKey, k1.ID(), k2.ID(), k3.ID(), "/data/onboard.db", seal.EnvKey, seal.EnvKeyFile)
}

// Unsealing arbitrary bytes (a damaged or hostile file) is an error
// wrapping seal.ErrUnseal, never a panic and never a value that was not
// sealed: the only secret these keys ever sealed for svc-1 is the one
// below (fuzz workers are other processes, each sealing its own copy).
func FuzzUnseal(f *testing.F) {
	old, cur := mustKey(f, rawKey(9)), mustKey(f, rawKey(10))
	ring := seal.NewKeyring(cur, old)
	const secret = "a-real-secret"
	good, err := ring.Seal("svc-1", tenant.NewSecret(secret))
	if err != nil {
		f.Fatal(err)
	}
	byOld, _ := seal.NewKeyring(old).Seal("svc-1", tenant.NewSecret(secret))
	v1 := sealV1(f, rawKey(9), "svc-1", secret)
	for _, blob := range [][]byte{good, byOld, v1} {
		if got, err := ring.Unseal("svc-1", blob); err != nil || got.Reveal() != secret {
			f.Fatalf("a good value did not unseal: %v", err)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2})
	f.Add(good)
	f.Add(byOld)
	f.Add(v1)
	f.Add(good[:9])
	f.Add(good[:21])
	f.Add(good[:len(good)-1])
	f.Add(v1[:13])
	f.Add(append([]byte{1}, good[1:]...)) // format 2's bytes read as format 1
	f.Add(append([]byte{2}, v1[1:]...))   // and the other way round
	f.Add(append([]byte{3}, good[1:]...))
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Fuzz(func(t *testing.T, blob []byte) {
		got, err := ring.Unseal("svc-1", blob)
		if err == nil {
			if got.Reveal() != secret {
				t.Fatalf("unsealed %x to a value that was never sealed", blob)
			}
			return
		}
		if !errors.Is(err, seal.ErrUnseal) || !got.IsZero() {
			t.Fatalf("unseal error %v, value set %v", err, !got.IsZero())
		}
		if id := seal.KeyIDOf(blob); id != "" && len(id) != 16 {
			t.Fatalf("KeyIDOf = %q", id)
		}
	})
}
