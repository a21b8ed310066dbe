package tenant

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that comes from the network — tenant, app, user and role display
// names, domains, Entra ID error descriptions, trace, correlation and
// request IDs, Graph error messages — is written by whoever controls the
// customer's tenant or the path to it. Printed raw, an ESC ]52 sequence
// writes the engineer's clipboard, ESC [2J clears the screen, an OSC 8
// sequence plants a link, a line break forges a report line and U+202E
// turns text around. Untrusted makes such text harmless where it enters
// the program, so the store, the screens, the tables and JSON only ever
// see clean text.

// Length caps for untrusted text, in characters.
const (
	// UntrustedNameMax caps display names, domains, role and SKU names
	// (Entra ID allows 256 characters for a display name).
	UntrustedNameMax = 256
	// UntrustedTextMax caps error descriptions and messages.
	UntrustedTextMax = 1024
	// UntrustedIDMax caps trace, correlation and request IDs (GUIDs).
	UntrustedIDMax = 128
)

// Untrusted returns s made harmless for a terminal, a log line or a
// report: invalid UTF-8 becomes U+FFFD; ANSI escape sequences (CSI, OSC,
// DCS, SOS, PM, APC, in their ESC and C1 forms) are removed whole; line
// breaks, tabs and other whitespace become single spaces; every other C0
// and C1 control character and every format character (Unicode Cf: the
// bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069,
// the marks U+200E, U+200F and U+061C, zero-width characters, U+FEFF …)
// is dropped; surrounding spaces are trimmed; and the result is cut to at
// most max characters (the last one then "…"). max < 1 means
// UntrustedTextMax.
func Untrusted(s string, max int) string {
	if max < 1 {
		max = UntrustedTextMax
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*max+4))
	n := 0         // runes written
	space := false // a space is pending (written before the next rune)
	cut := false   // the text was longer than max
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			r, size = '\uFFFD', 1
		}
		i += size
		switch {
		case r == 0x1b: // ESC
			i = skipEscape(s, i)
			continue
		case r == 0x9b: // C1 CSI
			i = skipCSI(s, i)
			continue
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			i = skipString(s, i)
			continue
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			space = n > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		need := 1
		if space {
			need = 2
		}
		if n+need > max {
			cut = true
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if cut {
		// Make room for the ellipsis so the result stays within max
		// characters.
		if n+1 > max {
			_, size := utf8.DecodeLastRuneInString(out)
			out = out[:len(out)-size]
		}
		out = strings.TrimRight(out, " ") + "…"
	}
	return out
}

// skipEscape skips what follows an ESC (i points just after it): a CSI
// (ESC [), a control string (ESC ] OSC, ESC P DCS, ESC X SOS, ESC ^ PM,
// ESC _ APC) or a short escape (intermediate bytes, then a final byte).
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++ // intermediate bytes
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++ // final byte
	}
	return i
}

// skipCSI skips a control sequence's parameter and intermediate bytes and
// its final byte (i points just after the introducer).
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips a control string up to and including its terminator:
// BEL, ESC \ or the C1 string terminator U+009C. An unterminated string
// runs to the end of s.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}

// UntrustedDomain cleans a domain name read from the network and checks
// it is one (letters, digits and inner hyphens, dot-separated labels, a
// letter-only top level); ok is false for anything else, which is then
// dropped rather than shown or stored.
func UntrustedDomain(s string) (domain string, ok bool) {
	clean := Untrusted(s, 253)
	if clean != strings.TrimSpace(s) {
		return "", false // it carried controls, escapes or was too long
	}
	return parseDomain(clean)
}
