package entra

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"onboard/tenant"
)

// leakySecret has every character an encoder treats specially.
const leakySecret = "Ab3+/=[]:@*? x~Y8Q~zzZ.k9-Pq7Wm2€Ln5Rt\"\\<&"

// encodings are the forms a secret takes in an echoed request or answer.
var encodings = map[string]func(string) string{
	"plain":       func(s string) string { return s },
	"form (+)":    url.QueryEscape,
	"url (%20)":   func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") },
	"url (lower)": func(s string) string { return lowerHex(url.QueryEscape(s)) },
	"path":        url.PathEscape,
	"json": func(s string) string {
		b, _ := json.Marshal(s)
		return string(b[1 : len(b)-1])
	},
	"json \\u": func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r < 0x10000 && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
				fmt.Fprintf(&b, "\\u%04x", r)
			} else {
				b.WriteRune(r)
			}
		}
		return b.String()
	},
	"base64":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	"base64 form": func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte("client_secret=" + url.QueryEscape(s)))
	},
	"base64 x1":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte("x" + s)) },
	"base64url x2": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte("xy" + s)) },
}

func lowerHex(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			b.WriteString("%" + strings.ToLower(s[i+1:i+3]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// leaks reports the encodings in which text carries leakRunes or more
// leading characters of secret. Every textual encoding here works
// character by character, so a longer start of the secret contains the
// first leakRunes characters' encoding: those are what is looked for.
// Base64 is checked by decoding every run of base64 characters at each
// alignment, independently of the scrubber.
func leaks(text, secret string) []string {
	runes := []rune(secret)
	needles := map[string]string{}
	for _, name := range []string{"plain", "form (+)", "url (%20)", "url (lower)", "path", "json", "json \\u"} {
		needles[name] = encodings[name](string(runes[:min(leakRunes, len(runes))]))
	}
	return leaksOf(text, needles, 0)
}

func leaksOf(text string, needles map[string]string, depth int) []string {
	var found []string
	for name, n := range needles {
		if strings.Contains(text, n) {
			found = append(found, name)
		}
	}
	if depth > 0 {
		return found
	}
	isB64 := func(c byte) bool {
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
	}
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && isB64(text[j]) {
			j++
		}
		if run := text[i:j]; len(run) >= 8 {
			for start := 0; start < 4 && start < len(run); start++ {
				sub := run[start:]
				sub = sub[:len(sub)/4*4]
				for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
					if raw, err := enc.DecodeString(sub); err == nil {
						for _, in := range leaksOf(string(raw), needles, depth+1) {
							found = append(found, "base64 of "+in)
						}
					}
				}
			}
		}
		if j == i {
			j++
		}
		i = j
	}
	return found
}

func TestScrubEveryEncoding(t *testing.T) {
	z := newSanitizer(tenant.NewSecret(leakySecret))
	for name, enc := range encodings {
		for _, around := range [][2]string{{"", ""}, {"client_secret=", "&grant_type=client_credentials"}, {"AADSTS90099: echo ", " Trace ID: x"}} {
			in := around[0] + enc(leakySecret) + around[1]
			out := z.scrub(in)
			if l := leaks(out, leakySecret); len(l) > 0 {
				t.Errorf("%s %q: scrubbed to %q, still leaks %v", name, in, out, l)
			}
			if !strings.Contains(out, "Ab3****") {
				t.Errorf("%s: %q has no masked form", name, out)
			}
		}
		// A secret cut short anywhere from its 8th character on is still masked.
		for k := leakRunes; k < utf8.RuneCountInString(leakySecret); k++ {
			cut := string([]rune(leakySecret)[:k])
			in := "pre " + enc(cut)
			if strings.HasPrefix(name, "base64") {
				continue // a cut base64 text is checked by the table through MSAL
			}
			if out := z.scrub(in); len(leaks(out, leakySecret)) > 0 {
				t.Errorf("%s cut at %d: %q not scrubbed: %q", name, k, in, out)
			}
		}
	}
	// Seven characters are not a leak, and the hint is shown on purpose.
	for _, keep := range []string{"Ab3+/=[", "hint Ab3", "Ab3****"} {
		if out := z.scrub(keep); out != keep {
			t.Errorf("scrub(%q) = %q, want it unchanged", keep, out)
		}
	}
	// Short secrets: at most 3 characters are never scrubbed (they would
	// garble words); 4 to 7 are scrubbed whole.
	if out := newSanitizer(tenant.NewSecret("abc")).scrub("abcabc"); out != "abcabc" {
		t.Errorf("3-character secret scrubbed: %q", out)
	}
	if out := newSanitizer(tenant.NewSecret("k9Zq~")).scrub("x k9Zq~ y k9Z"); out != "x k9Z**** y k9Z" {
		t.Errorf("5-character secret: %q", out)
	}
	var nilz *sanitizer
	if out := nilz.text("a\x1b[2Jb", 10); out != "ab" {
		t.Errorf("nil sanitizer text: %q", out)
	}
}

func FuzzScrub(f *testing.F) {
	for _, enc := range encodings {
		f.Add(enc(leakySecret), leakySecret)
	}
	f.Add("Ab3+/=[]Ab3+/=[]:@*? x", leakySecret)
	f.Add("Xq88Q~Vb2mKp7Lr4Tz9Wc1Yn6Hd3Jf5Gs0Ae.UkZ", "Xq88Q~Vb2mKp7Lr4Tz9Wc1Yn6Hd3Jf5Gs0Ae.UkZ")
	f.Fuzz(func(t *testing.T, text, secret string) {
		if utf8.RuneCountInString(secret) < leakRunes || strings.Contains(secret, "*") || !utf8.ValidString(secret) {
			return
		}
		z := newSanitizer(tenant.NewSecret(secret))
		out := z.scrub(text)
		runes := []rune(secret)
		if strings.Contains(out, string(runes[:leakRunes])) {
			t.Fatalf("scrub(%q) with secret %q = %q: a prefix of %d characters survives", text, secret, out, leakRunes)
		}
	})
}

// A '%' or '\' of the secret reads both as itself and as the start of an
// encoded character: however the secret is encoded, all of it is masked,
// not only the start up to such a character.
func TestScrubWholeSecretWithPercentOrBackslash(t *testing.T) {
	for _, secret := range []string{`Od7+Secret/Canary&Odd<"Value">%=`, "abc%25def%ghij%", `back\slash\\end\x`, `%%%%%%%%%%`} {
		z := newSanitizer(tenant.NewSecret(secret))
		for name, enc := range encodings {
			if strings.HasPrefix(name, "base64") {
				continue // base64's last partial group depends on what follows
			}
			in := enc(secret)
			if out := z.scrub(in); out != z.secret.Masked() {
				t.Errorf("%s of %q: %q scrubbed to %q, want only %q", name, secret, in, out, z.secret.Masked())
			}
		}
	}
}
