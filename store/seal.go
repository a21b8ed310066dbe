package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/tenant"
)

// KeySize is the length of the sealing key: AES-256.
const KeySize = 32

// KeyFileName is the key file's name beside the database when neither
// Options.KeyFile nor ONBOARD_KEY_FILE names one.
const KeyFileName = "onboard.key"

// Environment variables read when Options leave the key unset.
const (
	EnvKey     = "ONBOARD_KEY"
	EnvKeyFile = "ONBOARD_KEY_FILE"
)

// sealFormat is the first byte of every sealed value, so a later format
// (another cipher, a key ID) can be told apart from this one.
const sealFormat byte = 1

// sealer seals client secrets with AES-256-GCM. It is the one place secrets
// are sealed and unsealed.
type sealer struct {
	aead cipher.AEAD
	// source says where the key came from, for error messages
	// ("ONBOARD_KEY", "key file /home/x/.local/share/onboard/onboard.key").
	source string
}

func newSealer(key []byte, source string) (*sealer, error) {
	if len(key) != KeySize {
		return nil, kindErr([]error{ErrBadKey}, "%s must be a %d-byte key (it is %d bytes)", source, KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &sealer{aead: aead, source: source}, nil
}

// additionalData binds a sealed value to its service: a blob copied onto
// another service's record does not unseal there.
func additionalData(service string) []byte {
	return []byte("onboard client secret of service " + tenant.NameKey(service))
}

// seal returns format byte | random nonce | ciphertext and tag.
func (s *sealer) seal(service string, secret tenant.Secret) ([]byte, error) {
	n := s.aead.NonceSize()
	plain := []byte(secret.Reveal())
	out := make([]byte, 1+n, 1+n+len(plain)+s.aead.Overhead())
	out[0] = sealFormat
	if _, err := rand.Read(out[1 : 1+n]); err != nil {
		return nil, fmt.Errorf("seal the client secret of service %s: %w", service, err)
	}
	out = s.aead.Seal(out, out[1:1+n], plain, additionalData(service))
	clear(plain)
	return out, nil
}

// unseal opens a value sealed by seal. Any failure — another key, a value
// moved from another service, a damaged or truncated value — is
// ErrCannotUnseal; the result is never garbage.
func (s *sealer) unseal(service string, sealed []byte) (tenant.Secret, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != sealFormat {
		return tenant.Secret{}, kindErr([]error{ErrCannotUnseal},
			"cannot unseal the client secret of service %s: the stored value is damaged (replace the secret)", service)
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], additionalData(service))
	if err != nil {
		return tenant.Secret{}, kindErr([]error{ErrCannotUnseal},
			"cannot unseal the client secret of service %s: the key does not match the one it was sealed with (%s)", service, s.source)
	}
	return tenant.NewSecret(string(plain)), nil
}

// loadKey finds the sealing key: Options.Key, else ONBOARD_KEY, else the key
// file (Options.KeyFile, ONBOARD_KEY_FILE, or onboard.key beside the
// database), which is created on first use. created names the key file when
// this call created it.
func loadKey(dbPath string, opts Options) (sl *sealer, created string, err error) {
	if opts.Key != nil {
		sl, err = newSealer(opts.Key, "the key given in store.Options")
		return sl, "", err
	}
	if v := strings.TrimSpace(os.Getenv(EnvKey)); v != "" {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, "", kindErr([]error{ErrBadKey},
				"%s is not valid base64 (make one with: head -c 32 /dev/urandom | base64)", EnvKey)
		}
		if len(key) != KeySize {
			return nil, "", kindErr([]error{ErrBadKey},
				"%s must be %d bytes in base64, it decodes to %d bytes (make one with: head -c 32 /dev/urandom | base64)",
				EnvKey, KeySize, len(key))
		}
		sl, err = newSealer(key, EnvKey)
		return sl, "", err
	}
	file := opts.KeyFile
	if file == "" {
		file = os.Getenv(EnvKeyFile)
	}
	if file == "" {
		file = filepath.Join(filepath.Dir(dbPath), KeyFileName)
	}
	key, made, err := readOrCreateKeyFile(file)
	if err != nil {
		return nil, "", err
	}
	if made {
		created = file
	}
	sl, err = newSealer(key, "key file "+file)
	return sl, created, err
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
		return nil, kindErr([]error{ErrBadKey}, "key file %s is not a regular file", file)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, kindErr([]error{ErrKeyPermissions},
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
	return nil, kindErr([]error{ErrBadKey},
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
