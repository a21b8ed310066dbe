package tenant

import (
	"bytes"
	"encoding/json"
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
