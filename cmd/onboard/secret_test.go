package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/tenant/entrasim"
)

// oddSecret is a wrong secret whose characters each take another form
// when form-, percent-, JSON- or HTML-encoded, so that an echo of it in
// any of those forms is told apart from the plain one.
const oddSecret = `Od7+Secret/Canary&Odd<"Value">%=`

// TestSecretNeverLeaves runs every command over services whose secrets are
// known and checks that no secret appears in any stdout or stderr, in any
// encoding (leakForms), nor in the database file. The first three
// characters (the hint Entra ID itself shows) are allowed; anything longer
// is a leak.
func TestSecretNeverLeaves(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	secrets := []string{fxHealthy.secret, fxExpiring.secret, fxNoExpiry.secret, "Zz9~Wrong.Secret.Canary.Value", oddSecret}
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
	// The same proxy echoing a secret in the forms it travels in (the
	// token request's form encoding) or a proxy's log may use (base64),
	// then every command that shows or writes out what was recorded.
	w.seedService(t, "Contoso Ltd", "ODD", fxHealthy, oddSecret)
	form := url.QueryEscape(oddSecret)
	b64 := base64.StdEncoding.EncodeToString([]byte("client_id=" + fxHealthy.clientID + "&client_secret=" + form))
	body, _ = json.Marshal(map[string]any{"error": "invalid_request", "error_description": "AADSTS90099: client_secret=" + form + " body " + b64,
		"error_codes": []int{90099}, "trace_id": form, "correlation_id": b64})
	w.srv.AddFault(entrasim.Fault{Kind: entrasim.KindToken, Status: 400, Body: string(body), Times: 2})
	do("", "validate", "ODD", "--json")
	if r := outputs[len(outputs)-1]; r.code != 1 || !strings.Contains(r.stdout+r.stderr, "AADSTS90099") {
		t.Errorf("the proxy echoing an encoded secret was not met:\n%s", r)
	}
	backup := filepath.Join(w.dir, "backup.db")
	for _, args := range [][]string{
		{"validate", "ODD"}, {"services", "show", "ODD"}, {"services", "show", "ODD", "--json"},
		{"services", "report", "ODD"}, {"services", "report", "ODD", "--format", "html"},
		{"services", "report", "GOOD"}, {"services", "report", "BROKEN", "--format", "html"},
		{"expiring", "--within", "400", "--json"}, {"validate", "--all", "--json"},
		{"audit"}, {"audit", "--json"}, {"db", "check"}, {"db", "backup", backup},
		{"db", "copy", "--from", w.db, "--to", filepath.Join(w.dir, "team.db")},
		{"--db", filepath.Join(w.dir, "team.db"), "services", "show", "ODD", "--json"},
	} {
		do("", args...)
	}
	// A target whose GOOD differs: the copy refuses it and says why.
	do("", "--db", filepath.Join(w.dir, "other.db"), "customers", "add", "Contoso Ltd")
	do(fxExpiring.secret+"\n", append([]string{"--db", filepath.Join(w.dir, "other.db")}, addArgs("Contoso Ltd", "GOOD", fxExpiring)...)...)
	do("", "db", "copy", "--from", w.db, "--to", filepath.Join(w.dir, "other.db"))
	if r := outputs[len(outputs)-1]; r.code != 1 || !strings.Contains(r.stdout, "✗ GOOD") {
		t.Errorf("db copy over a different GOOD should refuse it:\n%s", r)
	}
	codes := map[int]bool{}
	for _, r := range outputs {
		codes[r.code] = true
		for _, s := range secrets {
			for _, form := range leakForms(s) {
				if strings.Contains(r.stdout, form) || strings.Contains(r.stderr, form) {
					t.Errorf("a secret leaked into output as %q:\n%s", form, r)
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

// leakForms is what of a secret must not be seen: the secret without its
// hint (the first three characters) and without its last three, each as
// is, form- or percent-encoded, JSON-escaped (with and without HTML
// escaping) and HTML-escaped; and the whole secret, and its form-encoded
// form, in base64 and base64url at each byte alignment it can have
// inside a longer encoded text.
func leakForms(secret string) []string {
	var forms []string
	for _, part := range []string{secret[3:], secret[:len(secret)-3]} {
		js, _ := json.Marshal(part)
		var plainJSON bytes.Buffer
		enc := json.NewEncoder(&plainJSON)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(part)
		forms = append(forms, part, url.QueryEscape(part), url.PathEscape(part), html.EscapeString(part),
			strings.Trim(string(js), `"`), strings.Trim(strings.TrimSpace(plainJSON.String()), `"`))
	}
	for _, text := range []string{secret, url.QueryEscape(secret)} {
		for pad := 0; pad < 3; pad++ {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				all := enc.EncodeToString([]byte(strings.Repeat("\x00", pad) + text))
				// Drop what also encodes the padding and the last,
				// partial group (it depends on what follows).
				forms = append(forms, all[[]int{0, 2, 3}[pad]:((pad+len(text))/3)*4])
			}
		}
	}
	return forms
}
