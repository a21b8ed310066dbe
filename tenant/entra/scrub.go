package entra

import (
	"encoding/base64"
	"net/url"
	"onboard/tenant"
	"reflect"
	"strings"
	"unicode/utf8"
)

// What comes back from the network is untrusted twice over: it may carry
// terminal escapes and forged lines (whoever controls the tenant writes
// its names), and it may carry the client secret itself (a proxy, a
// captive portal or a test double that echoes the token request back, in
// whatever encoding it saw it). A sanitizer, one per validation, makes
// every such text safe where it enters the validator: the secret is
// masked first, in every form it can take, before anything is cut short;
// then tenant.Untrusted strips controls, escapes and bidi characters and
// caps the length.

// leakRunes is how many leading characters of the secret make a leak: a
// secret cut short by a length limit is still a secret if this much of it
// survives.
const leakRunes = 8

// checkTextMax caps a report line (detail, fix) after everything in it
// was cleaned at entry: generous, so the validator's own words are never
// cut.
const checkTextMax = 4096

// sanitizer scrubs one secret from texts and cleans them. The zero of a
// *sanitizer (nil) only cleans.
type sanitizer struct {
	secret tenant.Secret
	runes  []rune
	need   int      // runes of the secret (from its start) that make a leak
	b64    []string // the secret's base64 and base64url forms at each byte alignment
	first  [256]bool
}

func newSanitizer(secret tenant.Secret) *sanitizer {
	v := secret.Reveal()
	z := &sanitizer{secret: secret, runes: []rune(v)}
	// A secret of three characters or fewer is never shown as a hint and
	// not scrubbed either: masking every such substring would garble the
	// words around it.
	if len(z.runes) <= 3 {
		return z
	}
	z.need = min(leakRunes, len(z.runes))
	// The first byte of each textual form the first character can take.
	r0 := z.runes[0]
	z.first[string(r0)[0]] = true
	z.first['%'], z.first['\\'] = true, true
	if r0 == ' ' {
		z.first['+'] = true
	}
	// Base64 of the secret, of its form-encoded and of its URL-encoded
	// forms (a request body echoed in base64 carries the latter), at the
	// three byte alignments it can sit at inside a longer encoded text.
	seen := map[string]bool{}
	q := url.QueryEscape(v)
	for _, form := range []string{v, q, strings.ReplaceAll(q, "+", "%20")} {
		for pad := 0; pad < 3; pad++ {
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				all := enc.EncodeToString([]byte(strings.Repeat("\x00", pad) + form))
				// Drop the characters that also encode the padding, and
				// the last, partial group (it depends on what follows).
				core := all[[]int{0, 2, 3}[pad] : ((pad+len(form))/3)*4]
				if len(core) >= 6 && !seen[core] {
					seen[core] = true
					z.b64 = append(z.b64, core)
					z.first[core[0]] = true
				}
			}
		}
	}
	return z
}

// scrub replaces the secret, or any start of it of leakRunes characters
// or more, by its masked form: as is, percent-encoded (with + or %20 for
// a space), JSON- or backslash-escaped (any mix of these, character by
// character), and in base64 or base64url.
func (z *sanitizer) scrub(s string) string {
	if z == nil || z.need == 0 || s == "" {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !z.first[s[i]] {
			i++
			continue
		}
		end := z.matchEscaped(s, i)
		for _, core := range z.b64 {
			if e := matchPrefix(s, i, core, min(10, len(core))); e > end {
				end = e
			}
		}
		if end > i {
			b.WriteString(s[last:i])
			b.WriteString(z.secret.Masked())
			i, last = end, end
			continue
		}
		i++
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// matchEscaped returns where a run of the secret's leading characters,
// each in any of its textual encodings, ends when it starts at i and is
// at least z.need characters long; i when there is none.
// A '%' or '\\' of the secret may stand as itself or begin another
// character's encoding ("%25" is '%', but so is the '%' of "%25"), so
// both readings are followed and the longest match wins: taking the
// first let the rest of a form-encoded secret after a '%' through.
func (z *sanitizer) matchEscaped(s string, i int) int {
	best, bestN := i, 0
	var seen map[[2]int]bool // allocated at the first fork only
	var walk func(k, p int)
	walk = func(k, p int) {
		for {
			if k > bestN || k == bestN && p > best {
				best, bestN = p, k
			}
			if k == len(z.runes) {
				return
			}
			if seen != nil {
				if seen[[2]int{k, p}] {
					return
				}
				seen[[2]int{k, p}] = true
			}
			raw, enc := matchRune(s, p, z.runes[k])
			switch {
			case raw >= 0 && enc >= 0 && raw != enc:
				if seen == nil {
					seen = map[[2]int]bool{}
				}
				walk(k+1, enc)
				p = raw
			case raw >= 0:
				p = raw
			case enc >= 0:
				p = enc
			default:
				return
			}
			k++
		}
	}
	walk(0, i)
	if bestN >= z.need {
		return best
	}
	return i
}

// matchRune matches one character of the secret at s[p:] and returns
// where it ends as itself (raw) and in an encoding (enc), -1 for no match.
func matchRune(s string, p int, r rune) (raw, enc int) {
	if p >= len(s) {
		return -1, -1
	}
	var buf [utf8.UTFMax]byte
	b := buf[:utf8.EncodeRune(buf[:], r)]
	raw = -1
	if strings.HasPrefix(s[p:], string(b)) {
		raw = p + len(b)
	}
	return raw, matchEncoded(s, p, r, b)
}

// matchEncoded matches r, whose UTF-8 bytes are enc, at s[p:] in one of
// its textual encodings and returns where it ends, or -1.
func matchEncoded(s string, p int, r rune, enc []byte) int {
	if r == ' ' && s[p] == '+' {
		return p + 1 // form encoding
	}
	// Percent-encoding, byte by byte (%2B, %2b, %E2%82%AC …).
	if s[p] == '%' {
		q := p
		for _, c := range enc {
			if q+2 < len(s) && s[q] == '%' {
				if hi, lo := unhex(s[q+1]), unhex(s[q+2]); hi >= 0 && lo >= 0 && hi<<4|lo == int(c) {
					q += 3
					continue
				}
			}
			if q < len(s) && s[q] == c {
				q++
				continue
			}
			return -1
		}
		return q
	}
	if s[p] != '\\' || p+1 >= len(s) {
		return -1
	}
	// JSON's \uXXXX (a surrogate pair beyond the BMP) and backslash
	// escapes of punctuation (\" \\ \/ …).
	if s[p+1] == 'u' {
		u, ok := hex4(s, p+2)
		if !ok {
			return -1
		}
		if rune(u) == r {
			return p + 6
		}
		if u >= 0xd800 && u < 0xdc00 && p+12 <= len(s) && s[p+6] == '\\' && s[p+7] == 'u' {
			if lo, ok := hex4(s, p+8); ok && lo >= 0xdc00 && lo < 0xe000 {
				if (rune(u)-0xd800)<<10|(rune(lo)-0xdc00)+0x10000 == r {
					return p + 12
				}
			}
		}
		return -1
	}
	if r < utf8.RuneSelf && r > ' ' && !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') && s[p+1] == byte(r) {
		return p + 2
	}
	return -1
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func hex4(s string, p int) (int, bool) {
	if p+4 > len(s) {
		return 0, false
	}
	v := 0
	for k := 0; k < 4; k++ {
		d := unhex(s[p+k])
		if d < 0 {
			return 0, false
		}
		v = v<<4 | d
	}
	return v, true
}

// matchPrefix returns where the longest start of core found at s[i:]
// ends, when it is at least min bytes long; i otherwise.
func matchPrefix(s string, i int, core string, least int) int {
	n := 0
	for n < len(core) && i+n < len(s) && s[i+n] == core[n] {
		n++
	}
	if n >= least {
		return i + n
	}
	return i
}

// text makes a text from the network safe: the secret scrubbed, then
// cleaned and capped to max characters by tenant.Untrusted, then scrubbed
// again (removing escapes could have joined a secret split by them).
func (z *sanitizer) text(s string, max int) string {
	return z.scrub(tenant.Untrusted(z.scrub(s), max))
}

// plain flattens an error to one line of at most 300 characters, made
// safe as any text from the network: an error's text can carry what the
// other end answered (a proxy's reason phrase, part of a body).
func (z *sanitizer) plain(err error) string {
	return z.text(err.Error(), 300)
}

// rawText is a text from the network the walker leaves as received,
// because its reader validates it whole and drops what fails (a domain
// name that carried an escape sequence is no domain, cleaned or not).
type rawText string

var rawTextType = reflect.TypeOf(rawText(""))

// strings applies text(…, max) to every string v holds (v is a pointer
// to a struct, slice or string; unexported fields are left alone).
func (z *sanitizer) strings(v any, max int) {
	z.walk(reflect.ValueOf(v), max)
}

func (z *sanitizer) walk(v reflect.Value, max int) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			z.walk(v.Elem(), max)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				z.walk(v.Field(i), max)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			z.walk(v.Index(i), max)
		}
	case reflect.String:
		if v.Type() == rawTextType {
			return // validated by its reader (domain names)
		}
		if v.CanSet() {
			if s := v.String(); s != "" {
				if t := z.text(s, max); t != s {
					v.SetString(t)
				}
			}
		}
	}
}
