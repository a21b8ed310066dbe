package tenant

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"unicode/utf8"
)

// Secret is an App registration client secret. Its value can only be read
// with Reveal: every way Go has of printing a value (fmt verbs, %#v, JSON,
// slog) shows the hint, so a secret that ends up in a log line, an error or
// a panic by mistake is still not disclosed.
type Secret struct {
	value string
}

// NewSecret wraps a secret value. It does not apply the input rules; use
// CleanSecret for what an engineer typed.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the secret value. Call it only where the value must leave
// the process on purpose: the token request and the sealing of the store.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether no secret is set.
func (s Secret) IsZero() bool { return s.value == "" }

// Hint is what Entra ID shows of a secret and what Graph returns as a
// passwordCredential's hint: its first three characters.
func (s Secret) Hint() string {
	n := 0
	for i := range s.value {
		if n == 3 {
			return s.value[:i]
		}
		n++
	}
	return s.value
}

// Masked is the hint followed by asterisks ("abc****"), the only form a
// secret is ever shown in.
func (s Secret) Masked() string {
	if s.value == "" {
		return ""
	}
	if utf8.RuneCountInString(s.value) <= 3 {
		return "****"
	}
	return s.Hint() + "****"
}

// String implements fmt.Stringer with the masked form.
func (s Secret) String() string { return s.Masked() }

// GoString keeps %#v from printing the struct field.
func (s Secret) GoString() string { return "tenant.Secret(" + s.Masked() + ")" }

// Format catches every other verb (%q, %x, %s on a pointer …).
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(s.Masked())) }

// MarshalJSON writes the masked form; the real value is never serialised.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.Masked()) }

// MarshalText writes the masked form (used by encoding/xml, slog text …).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Masked()), nil }

// LogValue keeps the value out of slog records.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.Masked()) }
