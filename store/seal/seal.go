// Package seal is the one place client secrets are sealed and unsealed,
// and where the sealing key comes from: ONBOARD_KEY, or a key file created
// 0600 on first use and refused when others can read it, as ssh refuses a
// private key.
//
// Secrets are sealed with AES-256-GCM on the engineer's machine, bound to
// their service's name, before any backend sees them: the database, a
// PostgreSQL server and every backup only ever hold ciphertext. Each
// sealed value carries the ID of the key that sealed it, and a backend
// records the IDs in use, so a wrong key is refused when the database is
// opened instead of sealing new secrets no one else can read.
//
// It imports tenant (for Secret) and the standard library only.
package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"onboard/tenant"
)

// KeySize is the length of a sealing key: AES-256.
const KeySize = 32

// KeyFileName is the key file's name beside a bbolt database when neither
// ONBOARD_KEY_FILE nor an explicit file names one.
const KeyFileName = "onboard.key"

// Environment variables read when no key is given explicitly.
const (
	EnvKey     = "ONBOARD_KEY"
	EnvKeyFile = "ONBOARD_KEY_FILE"
)

// The kinds of key failure the commands explain.
var (
	// ErrKeyPermissions: the key file can be read or written by group or
	// others, so it is refused.
	ErrKeyPermissions = errors.New("key file permissions too open")
	// ErrBadKey: the key given is not a 32-byte AES-256 key.
	ErrBadKey = errors.New("bad sealing key")
	// ErrWrongKey: the key is not one the database's secrets were sealed
	// with.
	ErrWrongKey = errors.New("wrong sealing key")
)

type keyError struct {
	msg  string
	kind error
}

func (e *keyError) Error() string { return e.msg }
func (e *keyError) Unwrap() error { return e.kind }

func kindErr(kind error, format string, args ...any) error {
	return &keyError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// Key is one sealing key and where it came from.
type Key struct {
	id     string
	aead   cipher.AEAD
	source string
}

// NewKey makes a key of 32 raw bytes; source says where it came from, for
// messages ("ONBOARD_KEY", "key file /home/x/…/onboard.key").
func NewKey(raw []byte, source string) (*Key, error) {
	if len(raw) != KeySize {
		return nil, kindErr(ErrBadKey, "%s must be a %d-byte key (it is %d bytes)", source, KeySize, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &Key{id: keyID(raw), aead: aead, source: source}, nil
}

// keyID names a key without revealing it: a hash of it under a label of
// its own, so the ID is useless for anything but telling keys apart.
func keyID(raw []byte) string {
	sum := sha256.Sum256(append([]byte("onboard sealing key id\x00"), raw...))
	return hex.EncodeToString(sum[:8])
}

// ID is the key's 16-hex-digit ID, recorded beside what it sealed.
func (k *Key) ID() string { return k.id }

// Source says where the key came from.
func (k *Key) Source() string { return k.source }

// Keyring is the key that seals, and the keys that may still unseal (a
// rotation in progress).
type Keyring struct {
	current *Key
	older   []*Key
}

// NewKeyring seals with current and unseals with any of the keys.
func NewKeyring(current *Key, older ...*Key) *Keyring {
	return &Keyring{current: current, older: older}
}

// Current is the key new secrets are sealed with.
func (r *Keyring) Current() *Key { return r.current }

// IDs lists the IDs of every key of the ring, current first.
func (r *Keyring) IDs() []string {
	ids := []string{r.current.id}
	for _, k := range r.older {
		ids = append(ids, k.id)
	}
	return ids
}

// Sealed formats: the first byte of every sealed value.
const (
	// formatV1 (no key ID) was written by the first onboard; it is still
	// read, with whichever key of the ring opens it.
	formatV1 byte = 1
	// formatV2: format | 8-byte key ID | nonce | ciphertext and tag.
	formatV2 byte = 2
	idLen         = 8
)

// additionalData binds a sealed value to its service: a blob copied onto
// another service's record does not unseal there.
func additionalData(service string) []byte {
	return []byte("onboard client secret of service " + tenant.NameKey(service))
}

// Seal seals a secret for a service with the current key.
func (r *Keyring) Seal(service string, secret tenant.Secret) ([]byte, error) {
	k := r.current
	n := k.aead.NonceSize()
	plain := []byte(secret.Reveal())
	id, _ := hex.DecodeString(k.id)
	out := make([]byte, 0, 1+idLen+n+len(plain)+k.aead.Overhead())
	out = append(out, formatV2)
	out = append(out, id...)
	nonce := make([]byte, n)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal the client secret of service %s: %w", service, err)
	}
	out = append(out, nonce...)
	out = k.aead.Seal(out, nonce, plain, additionalData(service))
	clear(plain)
	return out, nil
}

// KeyIDOf is the ID of the key that sealed a value ("" for the first
// format, which did not record it, or a damaged value).
func KeyIDOf(sealed []byte) string {
	if len(sealed) > 1+idLen && sealed[0] == formatV2 {
		return hex.EncodeToString(sealed[1 : 1+idLen])
	}
	return ""
}

// ErrUnseal is what Unseal's errors wrap: another key, a value moved from
// another service, or damage. Backends wrap it in their own kind.
var ErrUnseal = errors.New("cannot unseal")

// Unseal opens a sealed value. Any failure wraps ErrUnseal and says which
// key is needed; the result is never garbage.
func (r *Keyring) Unseal(service string, sealed []byte) (tenant.Secret, error) {
	keys := append([]*Key{r.current}, r.older...)
	switch {
	case len(sealed) > 1+idLen && sealed[0] == formatV2:
		id := hex.EncodeToString(sealed[1 : 1+idLen])
		for _, k := range keys {
			if k.id == id {
				return k.open(service, sealed[1+idLen:])
			}
		}
		return tenant.Secret{}, fmt.Errorf("%w: the client secret of service %s was sealed with key %s, not with the key given (%s, key %s)",
			ErrUnseal, service, id, r.current.source, r.current.id)
	case len(sealed) > 1 && sealed[0] == formatV1:
		for _, k := range keys {
			if s, err := k.open(service, sealed[1:]); err == nil {
				return s, nil
			}
		}
		return tenant.Secret{}, fmt.Errorf("%w: the key given (%s) does not open the client secret of service %s", ErrUnseal, r.current.source, service)
	}
	return tenant.Secret{}, fmt.Errorf("%w: the stored client secret of service %s is damaged (replace the secret)", ErrUnseal, service)
}

func (k *Key) open(service string, v []byte) (tenant.Secret, error) {
	n := k.aead.NonceSize()
	if len(v) < n+k.aead.Overhead() {
		return tenant.Secret{}, fmt.Errorf("%w: the stored client secret of service %s is damaged (replace the secret)", ErrUnseal, service)
	}
	plain, err := k.aead.Open(nil, v[:n], v[n:], additionalData(service))
	if err != nil {
		return tenant.Secret{}, fmt.Errorf("%w: the stored client secret of service %s is damaged or was moved from another service (replace the secret)", ErrUnseal, service)
	}
	return tenant.NewSecret(string(plain)), nil
}

// CheckInUse refuses a keyring none of whose keys sealed what the database
// holds: inUse are the key IDs the database records. A database that
// records none (new, or holding no secret yet) takes the first key given.
func (r *Keyring) CheckInUse(inUse []string, where string) error {
	if len(inUse) == 0 {
		return nil
	}
	for _, id := range r.IDs() {
		if slices.Contains(inUse, id) {
			return nil
		}
	}
	return kindErr(ErrWrongKey,
		"the key given (%s, key %s) is not the one the client secrets in %s were sealed with (key %s): "+
			"give that key with %s or %s (a key that matches none would lock everyone out of secrets saved with it)",
		r.current.source, r.current.id, where, strings.Join(inUse, ", "), EnvKey, EnvKeyFile)
}

// Source says where to find the key: an explicit one, else ONBOARD_KEY,
// else a key file (File, else ONBOARD_KEY_FILE, else DefaultFile).
type Source struct {
	Key         []byte
	File        string
	DefaultFile string
	Getenv      func(string) string // nil = os.Getenv
}

// Loaded is a key and, when this call created its key file, the file's
// name (a backend removes it again when the database turns out to need
// another key).
type Loaded struct {
	Key     *Key
	Created string
}

// Load finds the sealing key, creating the key file (0600, random key) on
// first use.
func Load(src Source) (Loaded, error) {
	getenv := src.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if src.Key != nil {
		k, err := NewKey(src.Key, "the key given")
		return Loaded{Key: k}, err
	}
	if v := strings.TrimSpace(getenv(EnvKey)); v != "" {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return Loaded{}, kindErr(ErrBadKey, "%s is not valid base64 (make one with: head -c 32 /dev/urandom | base64)", EnvKey)
		}
		if len(key) != KeySize {
			return Loaded{}, kindErr(ErrBadKey, "%s must be %d bytes in base64, it decodes to %d bytes (make one with: head -c 32 /dev/urandom | base64)",
				EnvKey, KeySize, len(key))
		}
		k, err := NewKey(key, EnvKey)
		return Loaded{Key: k}, err
	}
	file := src.File
	if file == "" {
		file = getenv(EnvKeyFile)
	}
	if file == "" {
		file = src.DefaultFile
	}
	if file == "" {
		return Loaded{}, kindErr(ErrBadKey, "no sealing key: set %s or %s", EnvKey, EnvKeyFile)
	}
	return LoadFile(file, true)
}

// LoadFile reads a key file, creating it with a fresh key when create is
// set and it does not exist.
func LoadFile(file string, create bool) (Loaded, error) {
	var (
		raw     []byte
		created bool
		err     error
	)
	if create {
		raw, created, err = readOrCreateKeyFile(file)
	} else {
		raw, err = readKeyFile(file)
	}
	if err != nil {
		return Loaded{}, err
	}
	k, err := NewKey(raw, "key file "+file)
	if err != nil {
		return Loaded{}, err
	}
	l := Loaded{Key: k}
	if created {
		l.Created = file
	}
	return l, nil
}

// readOrCreateKeyFile reads the key file, creating it with a fresh random
// key when it does not exist yet; created says this call created it.
func readOrCreateKeyFile(file string) (key []byte, created bool, err error) {
	for range 3 {
		key, err := readKeyFile(file)
		if !errors.Is(err, fs.ErrNotExist) {
			return key, created, err
		}
		err = createKeyFile(file)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
		// Created by us or by a process that won the race: read it back.
		created = err == nil
	}
	return nil, false, fmt.Errorf("key file %s: created but cannot be read back", file)
}

func readKeyFile(file string) ([]byte, error) {
	// Refused before it is opened: opening a fifo waits for a writer.
	if fi, err := os.Stat(file); err == nil && !fi.Mode().IsRegular() {
		return nil, kindErr(ErrBadKey, "key file %s is not a regular file", file)
	}
	f, err := os.Open(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("read key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, kindErr(ErrBadKey, "key file %s is not a regular file", file)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, kindErr(ErrKeyPermissions,
			"key file %s has mode %04o: group and others must have no access to it; fix it with: chmod 600 %s",
			file, perm, file)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", file, err)
	}
	return parseKeyFile(file, data)
}

// parseKeyFile accepts the key as written by createKeyFile (base64 and a
// newline) or as 32 raw bytes (head -c 32 /dev/urandom > file).
func parseKeyFile(file string, data []byte) ([]byte, error) {
	if text := bytes.TrimSpace(data); len(text) > 0 {
		key := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
		if n, err := base64.StdEncoding.Decode(key, text); err == nil && n == KeySize {
			return key[:n], nil
		}
	}
	if len(data) == KeySize {
		return data, nil
	}
	return nil, kindErr(ErrBadKey,
		"key file %s does not hold a %d-byte key (base64 or raw bytes)", file, KeySize)
}

// createKeyFile writes a new random key to a temporary file and links it into
// place. The link fails if the file exists, so two processes creating the key
// at once cannot overwrite each other, and no reader ever sees a half-written
// key file.
func createKeyFile(file string) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".onboard.key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	clear(key)
	if werr == nil {
		werr = tmp.Chmod(0o600)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("create key file %s: %w", file, werr)
	}
	if err := os.Link(tmp.Name(), file); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("create key file %s: %w", file, err)
	}
	// The key must survive a crash as surely as the secrets sealed with it.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
