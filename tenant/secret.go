package tenant

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Secret is an App registration client secret. Its value can only be read
// with Reveal: every way Go has of printing a value (fmt verbs, %#v, JSON,
// XML, slog, encoding.TextMarshaler) shows the masked form, so a secret
// that ends up in a log line, an error or a panic by mistake is still not
// disclosed. gob refuses it (no exported fields).
type Secret struct {
	// value is behind a pointer: where fmt cannot call Format — a Secret
	// in an unexported field of a struct that is printed — it walks the
	// fields itself, and then shows an address, never the text.
	value *string
}

// NewSecret wraps a secret value. It does not apply the input rules; use
// CleanSecret for what an engineer typed.
func NewSecret(value string) Secret {
	if value == "" {
		return Secret{}
	}
	return Secret{value: &value}
}

// Reveal returns the secret value. Call it only where the value must leave
// the process on purpose: the token request and the sealing of the store.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return *s.value
}

// IsZero reports whether no secret is set.
func (s Secret) IsZero() bool { return s.value == nil }

// Hint is what Entra ID shows of a secret and what Graph returns as a
// passwordCredential's hint: its first three characters. A secret of three
// characters or fewer has no hint (""): it would be the whole secret.
func (s Secret) Hint() string {
	v := s.Reveal()
	n := 0
	for i := range v {
		if n == 3 {
			return v[:i]
		}
		n++
	}
	return ""
}

// Masked is the hint followed by asterisks ("abc****"), the only form a
// secret is ever shown in; "****" alone when it has no hint.
func (s Secret) Masked() string {
	if s.IsZero() {
		return ""
	}
	return MaskedHint(s.Hint())
}

// MaskedHint is a stored hint as a secret is shown ("abc****"), for what
// keeps only the hint (a report, a summary).
func MaskedHint(hint string) string { return hint + "****" }

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
