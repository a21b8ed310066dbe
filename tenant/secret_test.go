package tenant

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	const v = "Xq8~aB3dEfGhIjKlMnOpQrStUvWxYz0123456789"
	s := NewSecret(v)
	app := AppRegistration{ClientID: "c", Secret: s}
	svc := Service{Name: "sbc", App: app}

	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "secret", s, "svc", svc)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "secret", s, "app", app)
	js, err := json.Marshal(svc)
	if err != nil {
		t.Fatal(err)
	}
	outputs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %X %10s", s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", svc, svc, svc), fmt.Sprintf("%+v %#v", &svc, &app),
		string(js), logged.String(), fmt.Sprint(fmt.Errorf("wrapped: %v", s)),
	}
	for _, out := range outputs {
		if strings.Contains(out, v) || strings.Contains(out, v[3:]) {
			t.Fatalf("secret printed: %s", out)
		}
	}
	if got := s.Masked(); got != "Xq8****" {
		t.Errorf("Masked = %q", got)
	}
	if s.Hint() != "Xq8" || NewSecret("ñéü€x").Hint() != "ñéü" {
		t.Errorf("hint is not the first three characters")
	}
	if NewSecret("ab").Masked() != "****" || NewSecret("").Masked() != "" {
		t.Error("short secrets must not be shown whole")
	}
	if s.Reveal() != v {
		t.Error("Reveal lost the value")
	}
}

// TestSecretNeverPrintsFromAnUnexportedField: fmt cannot call Format on a
// Secret held in an unexported field and walks its fields instead; gob,
// XML and text marshalling are the other ways a value leaves the process.
func TestSecretNeverPrintsFromAnUnexportedField(t *testing.T) {
	const v = "Xq8~aB3dEfGhIjKlMnOpQrStUvWxYz0123456789"
	s := NewSecret(v)
	type holder struct {
		name   string
		secret Secret
		creds  Credentials
		app    *AppRegistration
	}
	h := holder{name: "sbc", secret: s, creds: Credentials{ClientID: "c", Secret: s}, app: &AppRegistration{Secret: s}}

	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "holder", h, "ptr", &h)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "holder", h, "creds", h.creds)
	x, err := xml.Marshal(AppRegistration{ClientID: "c", Secret: s})
	if err != nil {
		t.Fatal(err)
	}
	text, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	var g bytes.Buffer
	gobErr := gob.NewEncoder(&g).Encode(AppRegistration{ClientID: "c", Secret: s})
	if gobErr == nil {
		t.Error("gob encoded a secret")
	}
	outputs := []string{
		fmt.Sprintf("%v %+v %#v", h, h, h), fmt.Sprint(h), fmt.Sprintln(h.creds, h.app),
		fmt.Sprintf("%v %+v %#v", &h, []any{h}, map[string]holder{"k": h}),
		fmt.Sprintf("%p %T %d %t", s, s, s, s),
		logged.String(), string(x), string(text), g.String(), gobErr.Error(),
	}
	for _, out := range outputs {
		if strings.Contains(out, v) || strings.Contains(out, v[3:]) {
			t.Fatalf("secret printed: %s", out)
		}
	}
	if !strings.Contains(string(x), "Xq8****") || string(text) != "Xq8****" {
		t.Errorf("XML %s, text %s: want the masked form", x, text)
	}
}

// TestSecretOfThreeCharactersHasNoHint: a hint that is the whole secret
// would disclose it, in the report's secretHint and the audit trail.
func TestSecretOfThreeCharactersHasNoHint(t *testing.T) {
	for _, v := range []string{"a", "ab", "abc", "ñéü"} {
		s := NewSecret(v)
		if s.Hint() != "" || s.Masked() != "****" || fmt.Sprint(s) != "****" {
			t.Errorf("%q: hint %q, masked %q", v, s.Hint(), s.Masked())
		}
	}
	if s := NewSecret("abcd"); s.Hint() != "abc" || s.Masked() != "abc****" {
		t.Errorf("abcd: hint %q, masked %q", s.Hint(), s.Masked())
	}
	if !NewSecret("").IsZero() || NewSecret("").Reveal() != "" || (Secret{}).Reveal() != "" || (Secret{}).Hint() != "" {
		t.Error("an empty secret is the zero secret")
	}
}
