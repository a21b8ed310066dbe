package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestProgressLine(t *testing.T) {
	for _, c := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 500, 0, "validated 0/500"},
		{100, 500, 10 * time.Second, "validated 100/500 · 10.0/s · ETA 40s"},
		{500, 500, 5 * time.Second, "validated 500/500 · 100.0/s · ETA 0s"},
	} {
		if got := progressLine(c.done, c.total, c.elapsed); got != c.want {
			t.Errorf("progressLine(%d, %d, %v) = %q, want %q", c.done, c.total, c.elapsed, got, c.want)
		}
	}
}

func TestProgressIsSilentWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 3, time.Now)
	p.step(1)
	p.step(1)
	p.step(1)
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("progress written to a non-terminal: %q", buf.String())
	}
}

func TestAccessible(t *testing.T) {
	for env, want := range map[string]bool{
		"":                         false,
		"ACCESSIBLE=1":             true,
		"ACCESSIBLE=0":             false,
		"TERM=dumb":                true,
		"TERM=xterm-256color":      false,
		"ACCESSIBLE=1 TERM=xterm":  true,
		"ACCESSIBLE=false TERM=vt": false,
	} {
		vars := map[string]string{}
		for _, kv := range strings.Fields(env) {
			k, v, _ := strings.Cut(kv, "=")
			vars[k] = v
		}
		if got := accessible(func(k string) string { return vars[k] }); got != want {
			t.Errorf("accessible(%q) = %v, want %v", env, got, want)
		}
	}
}

// TestEndpointOverrides runs the global flag rules in-process: any https
// endpoint is accepted, anything else is exit 2 before the database is
// touched.
func TestEndpointOverrides(t *testing.T) {
	t.Setenv("ONBOARD_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	for u, ok := range map[string]bool{
		"https://login.microsoftonline.us":    true,
		"https://127.0.0.1:8443":              true,
		"https://proxy.example.com/":          true,
		"http://login.microsoftonline.com":    false,
		"login.microsoftonline.com":           false,
		"https://":                            false,
		"ftp://x":                             false,
		"https://login.example.com/?tenant=x": false,
		"https://login.example.com/tenant":    false,
	} {
		db := filepath.Join(t.TempDir(), "onboard.db")
		var out, errb bytes.Buffer
		code := run([]string{"onboard", "--db", db, "--authority-host", u, "services", "list"}, strings.NewReader(""), &out, &errb)
		switch {
		case ok && code != 0:
			t.Errorf("%q refused (%d): %s", u, code, errb.String())
		case !ok && (code != 2 || !strings.Contains(errb.String(), "--authority-host (ONBOARD_AUTHORITY_HOST)")):
			t.Errorf("%q: want exit 2 naming the flag, got %d %q", u, code, errb.String())
		case !ok && fileExists(db):
			t.Errorf("%q: the database was created before the flags were checked", u)
		}
	}
}

// TestRunInProcess calls run as main does: version and usage exit codes
// without a child process.
func TestRunInProcess(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"onboard", "--version"}, strings.NewReader(""), &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "onboard ") {
		t.Errorf("--version: %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"onboard", "validate", "--bogus"}, strings.NewReader(""), &out, &errb); code != 2 || !strings.HasPrefix(errb.String(), "onboard: unknown flag: --bogus") {
		t.Errorf("bad flag: %d %q", code, errb.String())
	}
}

// TestEveryCommandHasAnExample walks the whole command tree, cobra's own
// completion and help commands included, so a command added later cannot
// ship without an example in its --help.
func TestEveryCommandHasAnExample(t *testing.T) {
	a := &app{getenv: func(string) string { return "" }, now: time.Now}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		n++
		if strings.TrimSpace(c.Example) == "" || !strings.Contains(c.Example, "onboard") {
			t.Errorf("%q has no example in its --help", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.rootCommand())
	if n < 16 {
		t.Errorf("walked only %d commands", n)
	}
}

// A secret of exactly maxSecretBytes is taken whatever its line ending;
// one byte more is refused, naming the limit and never the secret.
func TestReadSecretLimit(t *testing.T) {
	at := strings.Repeat("s", maxSecretBytes)
	for _, in := range []string{at, at + "\n", at + "\r\n"} {
		got, err := readSecret(context.Background(), strings.NewReader(in), io.Discard)
		if err != nil || got != at {
			t.Fatalf("a %d-byte secret (%q line end): %d bytes, %v", maxSecretBytes, strings.TrimPrefix(in, at), len(got), err)
		}
	}
	_, err := readSecret(context.Background(), strings.NewReader(at+"x\n"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "longer than 4096 bytes") || strings.Contains(err.Error(), "sss") {
		t.Fatalf("a %d-byte secret: %v", maxSecretBytes+1, err)
	}
}
