package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

// A key file's content is the other thing read from outside: any bytes
// give a 32-byte key — the base64 text decoded, or the 32 raw bytes — or
// ErrBadKey naming the file, never a panic.
func FuzzParseKeyFile(f *testing.F) {
	key := bytes.Repeat([]byte{7}, KeySize)
	f.Add([]byte(base64.StdEncoding.EncodeToString(key) + "\n"))
	f.Add([]byte("  " + base64.StdEncoding.EncodeToString(key) + " \r\n"))
	f.Add([]byte(base64.RawStdEncoding.EncodeToString(key)))
	f.Add([]byte(base64.URLEncoding.EncodeToString(key)))
	f.Add(key)
	f.Add(append(bytes.Clone(key), '\n'))
	f.Add([]byte(base64.StdEncoding.EncodeToString(key[:16])))
	f.Add([]byte{})
	f.Add([]byte("  \n"))
	f.Add([]byte("====="))
	f.Add(bytes.Repeat([]byte{' '}, KeySize))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		got, err := parseKeyFile("/keys/k", data)
		if err != nil {
			if !errors.Is(err, ErrBadKey) || got != nil {
				t.Fatalf("error %v (key %x): want ErrBadKey and no key", err, got)
			}
			if !bytes.Contains([]byte(err.Error()), []byte("/keys/k")) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(got) != KeySize {
			t.Fatalf("a key of %d bytes accepted", len(got))
		}
		decoded, derr := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(in)))
		if !bytes.Equal(got, in) && (derr != nil || !bytes.Equal(got, decoded)) {
			t.Fatalf("key %x is neither the raw bytes nor their base64 decoding", got)
		}
	})
}
