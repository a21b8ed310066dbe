package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"onboard/tenant/entrasim"
)

// TestSecretNeverLeaves runs every command over services whose secrets are
// known and checks that no secret appears in any stdout or stderr, nor in
// the database file. The first three characters (the hint Entra ID itself
// shows) are allowed; anything longer is a leak.
func TestSecretNeverLeaves(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	secrets := []string{fxHealthy.secret, fxExpiring.secret, fxNoExpiry.secret, "Zz9~Wrong.Secret.Canary.Value"}
	var outputs []result
	do := func(stdin string, args ...string) {
		outputs = append(outputs, w.run(t, stdin, nil, args...))
	}
	do("", "customers", "add", "Contoso Ltd")
	do(fxHealthy.secret+"\n", addArgs("Contoso Ltd", "GOOD", fxHealthy)...)
	do("  "+fxExpiring.secret+"  \n", addArgs("Contoso Ltd", "SOON", fxExpiring, "--json")...)
	do(fxNoExpiry.secret+"\n", addArgs("Contoso Ltd", "NOEXP", fxNoExpiry)...)
	do(secrets[3]+"\n", addArgs("Contoso Ltd", "WRONG", fxHealthy)...)      // fails validation
	do(fxHealthy.secret+"\n", addArgs("Contoso Ltd", "good", fxHealthy)...) // duplicate
	do(fxHealthy.secret+"\n", addArgs("Contoso Ltd", "A.B", fxHealthy)...)  // rule
	do(fxHealthy.secret+"\n", addArgs("Globex", "GLOBEX1", fxHealthy)...)   // unknown customer
	do(fxHealthy.secret+"\n", addArgs("Contoso Ltd", "X01", fxHealthy, "--admin", "nope")...)
	w.seedService(t, "Contoso Ltd", "BROKEN", fxHealthy, secrets[3])
	for _, args := range [][]string{
		{"customers", "list"}, {"customers", "list", "--json"},
		{"services", "list"}, {"services", "list", "--json"},
		{"services", "show", "GOOD"}, {"services", "show", "GOOD", "--json"},
		{"services", "show", "BROKEN"}, {"services", "show", "BROKEN", "--json"},
		{"validate", "GOOD", "BROKEN"}, {"validate", "--all"}, {"validate", "--all", "--json"},
		{"expiring"}, {"expiring", "--json"}, {"expiring", "--within", "400"},
		{"services", "delete", "NOEXP"},
	} {
		do("", args...)
	}
	// A proxy that echoes the token request back in Entra's error shape
	// hands the secret to the validator as trace and correlation IDs, which
	// are printed, recorded and shown again later.
	echo := "client_secret=" + fxHealthy.secret
	body, _ := json.Marshal(map[string]any{"error": "invalid_request", "error_description": "AADSTS90099: " + echo,
		"error_codes": []int{90099}, "trace_id": echo, "correlation_id": echo})
	w.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Status: 400, Body: string(body), Times: 1})
	do("", "validate", "GOOD")
	do("", "services", "show", "GOOD")
	do("", "services", "show", "GOOD", "--json")
	if r := outputs[len(outputs)-3]; r.code != 1 || !strings.Contains(r.stdout+r.stderr, "AADSTS90099") {
		t.Errorf("the echoing proxy was not met:\n%s", r)
	}
	codes := map[int]bool{}
	for _, r := range outputs {
		codes[r.code] = true
		for _, s := range secrets {
			for _, part := range []string{s, s[3:], s[:len(s)-3]} {
				if strings.Contains(r.stdout, part) || strings.Contains(r.stderr, part) {
					t.Errorf("a secret leaked into output:\n%s", r)
				}
			}
		}
	}
	if !codes[0] || !codes[1] || !codes[2] {
		t.Errorf("the runs should cover every exit code, got %v", codes)
	}
	db := w.dbBytes(t)
	for _, s := range secrets {
		if bytes.Contains(db, []byte(s)) || bytes.Contains(db, []byte(s[3:])) {
			t.Errorf("secret %s**** found in the database bytes", s[:3])
		}
	}
}
