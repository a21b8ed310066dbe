package entra

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"onboard/tenant"
)

const sampleEntraError = `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '3f6b2c1d-8e4a-4b7c-9d2e-5a6b7c8d9e01'. Trace ID: 0b3a0c1e-2f4d-4e5a-9b6c-7d8e9f0a1b2c Correlation ID: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f Timestamp: 2026-11-25 12:00:00Z","error_codes":[7000215],"timestamp":"2026-11-25 12:00:00Z","trace_id":"0b3a0c1e-2f4d-4e5a-9b6c-7d8e9f0a1b2c","correlation_id":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f","error_uri":"https://login.microsoftonline.com/error?code=7000215"}`

func TestParseEntraError(t *testing.T) {
	b, ok := parseEntraError([]byte(sampleEntraError))
	if !ok || b.Code() != 7000215 || b.TraceID == "" || b.CorrelationID != "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" {
		t.Fatalf("parse: %+v %v", b, ok)
	}
	if s := b.Summary(); strings.Contains(s, "Trace ID") || strings.HasPrefix(s, "AADSTS") || !strings.HasPrefix(s, "Invalid client secret") {
		t.Errorf("summary %q", s)
	}
	// The code from the description when error_codes is missing.
	b, ok = parseEntraError([]byte(`{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant 'x' not found."}`))
	if !ok || b.Code() != 90002 {
		t.Errorf("code from description: %+v", b)
	}
	for _, notEntra := range []string{"", "<html>", `{"value":[]}`, `[1,2]`, `{"error":{"code":"x"}}`} {
		if _, ok := parseEntraError([]byte(notEntra)); ok {
			t.Errorf("%q parsed as an Entra error", notEntra)
		}
	}
}

func FuzzParseEntraError(f *testing.F) {
	for _, s := range []string{sampleEntraError, "", "{}", "<html>", `{"error_codes":[-1]}`, `{"error_description":"AADSTS12345678901234567890"}`,
		`{"error":"x","error_description":"AADSTS: "}`, `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, ok := parseEntraError(body)
		if !ok {
			return
		}
		_ = b.Code()
		if s := b.Summary(); utf8.ValidString(b.Description) && !utf8.ValidString(s) {
			t.Errorf("summary of valid UTF-8 is not: %q", s)
		}
		g, _ := parseGraphError(body)
		_ = g.Error.Code
		f := explainEntraAnswer(&entraHTTPError{Stage: stageToken, Status: 400, Body: body}, tokenContext{})
		if f.Detail == "" || f.Fix == "" {
			t.Errorf("no words for %q: %+v", body, f)
		}
	})
}

// Failures below HTTP that no loopback test can provoke (no route, a
// proxy that is down or wants a password) are worded from the error types
// net/http returns for them.
func TestExplainNetworkBeyondLoopback(t *testing.T) {
	get := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://login.microsoftonline.com/x", Err: err}
	}
	proxy := &net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 3128}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no route", get(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}), "no network route from this computer to login.microsoftonline.com"},
		{"no network", get(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}), "no network route"},
		{"proxy down", get(&net.OpError{Op: "proxyconnect", Net: "tcp", Addr: proxy, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), "The proxy 10.1.2.3:3128 could not be reached"},
		{"proxy wants a password", get(errors.New("Proxy Authentication Required")), "asks for authentication (HTTP 407)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := explainNetwork(context.Background(), nil, tt.err, "login.microsoftonline.com", "Entra ID", 20*time.Second)
			if !ok || !strings.Contains(f.Detail, tt.want) || f.Fix == "" {
				t.Fatalf("got %v %+v, want a detail with %q and a fix", ok, f, tt.want)
			}
			if strings.Contains(f.Detail, "refused the connection") {
				t.Errorf("a proxy failure was blamed on Microsoft: %s", f.Detail)
			}
		})
	}
	if got := roundDuration(time.Millisecond); got != "1ms" {
		t.Errorf("roundDuration(1ms) = %q", got)
	}
	if got := roundDuration(20*time.Second + 40*time.Millisecond); got != "20s" {
		t.Errorf("roundDuration(20.04s) = %q", got)
	}
}

// Texts worded from an error or a header the other end sent pass through
// tenant.Untrusted like every text from the network: an error's own
// words (a proxy's reason phrase), Retry-After, and what an Entra ID
// refusal of the admin's sign-in says.
func TestErrorTextsFromTheNetworkAreCleaned(t *testing.T) {
	// What a proxy or a hostile tenant can put into any text that comes
	// back (validate_hostile_test.go has the full set, outside the package).
	const hostile = "\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\nFAKE: ✓ all good\u202e"
	clean := func(s string) bool { return !strings.ContainsAny(s, "\x1b\x07\n\r\u202e") }
	z := newSanitizer(tenant.NewSecret("Xy78Q~secret-value-0123456789abcdefghij"))
	if got := z.plain(errors.New("proxyconnect tcp: " + hostile + " Xy78Q~secret-value-0123456789abcdefghij")); !clean(got) ||
		strings.Contains(got, "secret-value") || utf8.RuneCountInString(got) > 300 {
		t.Errorf("plain: %q", got)
	}
	if got := z.plain(errors.New(strings.Repeat("long ", 200))); utf8.RuneCountInString(got) > 300 {
		t.Errorf("plain is %d characters", utf8.RuneCountInString(got))
	}

	throttledBy := &entraHTTPError{Stage: stageToken, Status: 429, Header: http.Header{"Retry-After": {hostile + strings.Repeat("9", 500)}}, Body: []byte("Too Many Requests")}
	if f := explainEntraAnswer(throttledBy, tokenContext{San: z}); !clean(f.Detail) || len(f.Detail) > 300 || !strings.Contains(f.Detail, "throttling") {
		t.Errorf("Retry-After shown raw: %q", f.Detail)
	}

	body, _ := json.Marshal(map[string]any{"error": "invalid_grant", "error_description": "AADSTS50000: " + hostile,
		"error_codes": []int{50000}, "correlation_id": hostile, "trace_id": hostile})
	e := explainSignIn(context.Background(), &entraHTTPError{Stage: stageToken, Status: 400, Body: body}, tokenContext{AuthorityHost: "https://login.microsoftonline.com"})
	if !clean(e.Detail) || !clean(e.Fix) || !clean(e.RequestID) || !clean(e.Code) {
		t.Errorf("sign-in refusal shown raw: %#v", e)
	}
	e = explainSignIn(context.Background(), errors.New("device code: "+hostile), tokenContext{})
	if !clean(e.Detail) {
		t.Errorf("sign-in failure shown raw: %q", e.Detail)
	}
}
