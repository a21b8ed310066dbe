package tenant

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostileSamples are what an attacker who controls a tenant's names, or a
// proxy on the way, can put into text the validator shows.
var hostileSamples = []string{
	"Contoso\x1b]52;c;ZWNobyBwd25lZA==\x07 Ltd",                // OSC 52: write the clipboard
	"Contoso\x1b[2J\x1b[H Ltd",                                 // clear the screen, cursor home
	"\x1b]8;;https://evil.example/\x1b\\Contoso\x1b]8;;\x1b\\", // OSC 8 hyperlink
	"\x1b]0;pwned\x07Contoso",                                  // window title
	"Contoso\nFAKE: ✓ Token: all good",                         // a forged report line
	"Contoso\r\x1b[1AFAKE",                                     // carriage return, cursor up
	"\u202eLTD osotnoC",                                        // right-to-left override
	"Con\u2066toso\u2069 \u200eLtd\u200f\u061c",                // isolates and marks
	"Con\u200btoso\ufeff",                                      // zero-width space, BOM
	"Contoso\u009b31m red\u009d0;title\u009c",                  // C1 CSI and OSC
	"Contoso\x00\x07\x08\x7f",                                  // NUL, BEL, BS, DEL
	"Contoso \xff\xfe bytes",                                   // invalid UTF-8
	"\x1bPq#0;2;0;0;0#1;2;100;100;0\x1b\\Contoso",              // DCS (sixel)
	"Contoso\x1b_APC payload\x1b\\",                            // APC
	"Contoso\x1b(0qqq\x1b(B",                                   // charset switch (short escapes)
	"Contoso\x1b]52;c;unterminated",                            // unterminated OSC
	"Contoso\u2028second line\u2029third\u0085fourth",          // Unicode line separators, NEL
}

func TestUntrustedTable(t *testing.T) {
	tests := []struct {
		in, want string
		max      int
	}{
		{"Contoso Ltd", "Contoso Ltd", 40},
		{"  Contoso   Ltd \t", "Contoso Ltd", 40},
		{"Müller & Söhne GmbH — 東京", "Müller & Söhne GmbH — 東京", 40},
		{hostileSamples[0], "Contoso Ltd", 40},
		{hostileSamples[1], "Contoso Ltd", 40},
		{hostileSamples[2], "Contoso", 40},
		{hostileSamples[3], "Contoso", 40},
		{hostileSamples[4], "Contoso FAKE: ✓ Token: all good", 40},
		{hostileSamples[6], "LTD osotnoC", 40},
		{hostileSamples[7], "Contoso Ltd", 40},
		{hostileSamples[8], "Contoso", 40},
		{hostileSamples[9], "Contoso red", 40},
		{hostileSamples[10], "Contoso", 40},
		{hostileSamples[11], "Contoso \ufffd\ufffd bytes", 40},
		{hostileSamples[12], "Contoso", 40},
		{hostileSamples[13], "Contoso", 40},
		{hostileSamples[14], "Contosoqqq", 40},
		{hostileSamples[15], "Contoso", 40},
		{hostileSamples[16], "Contoso second line third fourth", 40},
		{strings.Repeat("a", 10), "aaaaaaaaaa", 10},
		{strings.Repeat("a", 11), "aaaaaaaaa…", 10},
		{strings.Repeat("é", 11), "ééééééééé…", 10},
		{"aaaa bbbbbbbbbbbbbbbb", "aaaa bbbb…", 10},
		{"aaaaaaaa bbbbbbbb", "aaaaaaaa…", 10},
	}
	for _, tt := range tests {
		if got := Untrusted(tt.in, tt.max); got != tt.want {
			t.Errorf("Untrusted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Untrusted(strings.Repeat("x", 3<<20), UntrustedNameMax); utf8.RuneCountInString(got) != UntrustedNameMax {
		t.Errorf("a 3 MB name was cut to %d characters, want %d", utf8.RuneCountInString(got), UntrustedNameMax)
	}
	if got := Untrusted(strings.Repeat("x", 2000), 0); utf8.RuneCountInString(got) != UntrustedTextMax {
		t.Errorf("max 0: %d characters, want %d", utf8.RuneCountInString(got), UntrustedTextMax)
	}
}

// TestUntrustedDropsEveryControlAndFormatCharacter walks every C0 and C1
// control character and every format character Unicode knows (the bidi
// embeddings, overrides, isolates and marks, zero-width characters, tag
// characters …), not only the samples above.
func TestUntrustedDropsEveryControlAndFormatCharacter(t *testing.T) {
	var runes []rune
	for r := rune(0); r <= 0x9f; r++ {
		if r < 0x20 || r >= 0x7f {
			runes = append(runes, r)
		}
	}
	for _, rg := range unicode.Cf.R16 {
		for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
			runes = append(runes, r)
		}
	}
	for _, rg := range unicode.Cf.R32 {
		for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
			runes = append(runes, r)
		}
	}
	introducers := map[rune]bool{0x1b: true, 0x90: true, 0x98: true, 0x9b: true, 0x9d: true, 0x9e: true, 0x9f: true}
	for _, r := range runes {
		in := "a" + string(r) + "b"
		got := Untrusted(in, 40)
		want := "ab"
		switch {
		case introducers[r]:
			want = "a" // an escape sequence or control string takes what follows
		case unicode.IsSpace(r):
			want = "a b"
		}
		if got != want || harmless(got, 40) != "" {
			t.Errorf("Untrusted(%q) = %q, want %q", in, got, want)
		}
	}
	if len(runes) < 200 {
		t.Fatalf("only %d characters walked", len(runes))
	}
}

func TestUntrustedDomain(t *testing.T) {
	for in, want := range map[string]string{
		"contoso.onmicrosoft.com":    "contoso.onmicrosoft.com",
		"Contoso.COM":                "contoso.com",
		"cust1.sbc.provider.example": "cust1.sbc.provider.example",
	} {
		if got, ok := UntrustedDomain(in); !ok || got != want {
			t.Errorf("UntrustedDomain(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, bad := range append([]string{"", "contoso", "evil .com", "contoso.com/x", "-a.com", strings.Repeat("a", 250) + ".com"}, hostileSamples...) {
		if got, ok := UntrustedDomain(bad); ok {
			t.Errorf("UntrustedDomain(%q) accepted as %q", bad, got)
		}
	}
	// An escape hidden inside an otherwise valid name is no domain either.
	if _, ok := UntrustedDomain("contoso\x1b[2J.com"); ok {
		t.Error("a domain carrying an escape sequence was accepted")
	}
}

// harmless reports what makes s unsafe to print, or "".
func harmless(s string, max int) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "longer than max"
	}
	for _, r := range s {
		switch {
		case r == ' ':
		case unicode.IsControl(r):
			return "a control character"
		case unicode.Is(unicode.Cf, r):
			return "a format character"
		case unicode.IsSpace(r):
			return "whitespace other than a space"
		}
	}
	if strings.TrimSpace(s) != s || strings.Contains(s, "  ") {
		return "untrimmed or repeated spaces"
	}
	return ""
}

func FuzzUntrusted(f *testing.F) {
	for _, s := range hostileSamples {
		f.Add(s, 40)
	}
	f.Add("", 1)
	f.Add("a\x1b", 5)
	f.Add("\x1b[", 3)
	f.Add("ab\u0301\u0301\u0301", 2)
	f.Add("Contoso\x9b2J\x9d0;t\x07 Ltd", 40)          // C1 introducers as raw bytes (not UTF-8)
	f.Add("\U000E0001\U000E0041Contoso\U000E007F", 40) // tag characters
	f.Add("a \u00a0\u3000\u2003 b", 3)                 // exotic spaces at the cut
	f.Add("\x1b[38;2;255;0;0m"+strings.Repeat("é", 300)+"\x1b[0m", UntrustedNameMax)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 1<<16 {
			max = UntrustedNameMax
		}
		got := Untrusted(s, max)
		if why := harmless(got, max); why != "" {
			t.Fatalf("Untrusted(%q, %d) = %q: %s", s, max, got, why)
		}
		if again := Untrusted(got, max); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
		if d, ok := UntrustedDomain(s); ok {
			if _, ok := parseDomain(d); !ok || harmless(d, 253) != "" {
				t.Fatalf("UntrustedDomain(%q) = %q", s, d)
			}
		}
	})
}
