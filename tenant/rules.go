package tenant

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// RuleError is input that broke one of the input rules (docs/rules.md). Its message names
// the rule, so it can be shown as is under a field or on stderr; the CLI
// turns it into exit code 2.
type RuleError struct {
	// Field is the input the rule is about, in the screens' words
	// ("short name", "licensed users", "Tenant ID" …).
	Field string
	// Rule is the sentence shown to the engineer.
	Rule string
}

func (e *RuleError) Error() string { return e.Rule }

func ruleErr(field, format string, args ...any) error {
	return &RuleError{Field: field, Rule: fmt.Sprintf(format, args...)}
}

// Rules are several broken rules reported together (every field of a
// command line, not only the first). It wraps each *RuleError, so
// IsRuleError and errors.As see them.
type Rules []*RuleError

// Error is one rule per line.
func (rs Rules) Error() string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = r.Rule
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each rule.
func (rs Rules) Unwrap() []error {
	out := make([]error, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

// Err is nil when no rule is broken, the one rule when one is, and the
// Rules otherwise.
func (rs Rules) Err() error {
	switch len(rs) {
	case 0:
		return nil
	case 1:
		return rs[0]
	}
	return rs
}

// IsRuleError reports whether err (or anything it wraps) is a broken input rule.
func IsRuleError(err error) bool {
	var re *RuleError
	return errors.As(err, &re)
}

// Limits of the input rules (docs/rules.md).
const (
	ShortNameMin    = 3
	ShortNameMax    = 15
	CustomerNameMax = 200
	FullNameMax     = 200
	UsersMin        = 1
	UsersMax        = 500
)

// shortNameForbidden are the characters the provider's portal forbids
// because they break file names and URLs downstream.
const shortNameForbidden = `\/:*?"<>|`

// CheckShortName applies the service short-name rules of docs/rules.md, except
// uniqueness, which only the store can judge (inside its write transaction).
func CheckShortName(name string) error {
	const f = "short name"
	if name == "" {
		return ruleErr(f, "the short name is required")
	}
	if !utf8.ValidString(name) {
		return ruleErr(f, "the short name must be valid UTF-8 text")
	}
	for _, r := range name {
		switch {
		case strings.ContainsRune(shortNameForbidden, r):
			return ruleErr(f, "the short name may not contain '%s' (none of %s may be used)", string(r), spaced(shortNameForbidden))
		case r == '.':
			return ruleErr(f, "the short name may not contain a dot")
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			return ruleErr(f, "the short name may not contain spaces or other whitespace (found %s)", describeRune(r))
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return ruleErr(f, "the short name may not contain control or invisible characters (found %s)", describeRune(r))
		}
	}
	n := utf8.RuneCountInString(name)
	if n < ShortNameMin {
		return ruleErr(f, "the short name must be at least %d characters long (it has %d)", ShortNameMin, n)
	}
	if n > ShortNameMax {
		return ruleErr(f, "the short name must be at most %d characters long (it has %d)", ShortNameMax, n)
	}
	if strings.EqualFold(name, "audit") {
		return ruleErr(f, "the short name %q is reserved (\"audit\" in any case)", name)
	}
	return nil
}

// NameKey is the form names are compared in for uniqueness: docs/rules.md says
// short names and customer names are unique ignoring case.
func NameKey(name string) string {
	return strings.ToLower(strings.ToUpper(name))
}

// CleanCustomerName trims surrounding whitespace and applies the customer
// name rules: 1–200 characters, no control, format or bidi characters.
func CleanCustomerName(name string) (string, error) {
	const f = "customer name"
	name = strings.TrimSpace(name)
	if name == "" {
		return "", ruleErr(f, "the customer name is required")
	}
	if err := checkFreeText(f, "the customer name", name, CustomerNameMax); err != nil {
		return "", err
	}
	return name, nil
}

// CleanFullName trims surrounding whitespace of the optional full name and
// checks it is at most 200 characters of printable text (no control,
// format or bidi characters).
func CleanFullName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if err := checkFreeText("full name", "the full name", name, FullNameMax); err != nil {
		return "", err
	}
	return name, nil
}

func checkFreeText(field, what, s string, max int) error {
	if !utf8.ValidString(s) {
		return ruleErr(field, "%s must be valid UTF-8 text", what)
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return ruleErr(field, "%s may not contain control characters (found %s)", what, describeRune(r))
		case unicode.Is(unicode.Cf, r):
			// Bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069),
			// direction marks and zero-width characters make a name read
			// differently from what it is, as they would in a short name.
			return ruleErr(field, "%s may not contain invisible or text-direction characters (found %s)", what, describeRune(r))
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return ruleErr(field, "%s must be at most %d characters long (it has %d)", what, max, n)
	}
	return nil
}

// ParseLicense accepts a license by its CLI name, in any case.
func ParseLicense(s string) (License, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case string(LicenseEssentialsPlus):
		return LicenseEssentialsPlus, nil
	case string(LicensePro):
		return LicensePro, nil
	}
	return "", ruleErr("license", "the license must be %q (Hosted Essentials+) or %q (Hosted Pro)", LicenseEssentialsPlus, LicensePro)
}

// ParseUsers reads the number of licensed users: a whole number 1–500.
func ParseUsers(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, ruleErr("licensed users", "licensed users must be between %d and %d", UsersMin, UsersMax)
		}
		return 0, ruleErr("licensed users", "licensed users must be a whole number between %d and %d", UsersMin, UsersMax)
	}
	return n, CheckUsers(n)
}

// CheckUsers applies the licensed-users range.
func CheckUsers(n int) error {
	if n < UsersMin || n > UsersMax {
		return ruleErr("licensed users", "licensed users must be between %d and %d (got %d)", UsersMin, UsersMax, n)
	}
	return nil
}

// ParseGUID reads a GUID in the canonical 8-4-4-4-12 form, in either case,
// optionally in braces, and returns it lower-cased.
func ParseGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
		default:
			if !isHex(c) {
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// ZeroGUID is never a real tenant or application.
const ZeroGUID = "00000000-0000-0000-0000-000000000000"

// ParseTenantID accepts the Tenant ID as the admin hands it over: a GUID or
// a verified domain of the tenant (contoso.onmicrosoft.com). It returns the
// lower-cased form; isGUID tells which of the two it is.
func ParseTenantID(s string) (id string, isGUID bool, err error) {
	const f = "Tenant ID"
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false, ruleErr(f, "the Tenant ID is required")
	}
	if g, ok := ParseGUID(s); ok {
		if g == ZeroGUID {
			return "", false, ruleErr(f, "the Tenant ID may not be the all-zero GUID")
		}
		return g, true, nil
	}
	if d, ok := parseDomain(s); ok {
		return d, false, nil
	}
	return "", false, ruleErr(f, "the Tenant ID must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) or a domain such as contoso.onmicrosoft.com")
}

// ParseClientID accepts the Application (Client) ID: a GUID, not all zero.
func ParseClientID(s string) (string, error) {
	const f = "Application ID"
	if strings.TrimSpace(s) == "" {
		return "", ruleErr(f, "the Application (Client) ID is required")
	}
	g, ok := ParseGUID(s)
	if !ok {
		return "", ruleErr(f, "the Application (Client) ID must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
	}
	if g == ZeroGUID {
		return "", ruleErr(f, "the Application (Client) ID may not be the all-zero GUID")
	}
	return g, nil
}

// parseDomain accepts a DNS name of at least two labels: letters, digits
// and inner hyphens, each label 1–63 characters, a letter-only top level,
// 253 characters at most.
func parseDomain(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if len(s) > 253 {
		return "", false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return "", false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return "", false
			}
		}
	}
	tld := labels[len(labels)-1]
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return "", false
		}
	}
	return s, true
}

// CleanSecret applies the client-secret rules to what was typed or pasted.
// Surrounding whitespace is trimmed (a paste accident) and a GUID-shaped
// value is accepted with a warning; notes say both in plain words. The
// error never contains the secret.
func CleanSecret(raw string) (s Secret, notes []string, err error) {
	const f = "client secret"
	v := strings.TrimSpace(raw)
	if v == "" {
		return Secret{}, nil, ruleErr(f, "the client secret is required")
	}
	if v != raw {
		notes = append(notes, "Removed spaces or line breaks around the client secret (a paste accident).")
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return Secret{}, nil, ruleErr(f, "the client secret may not contain control characters (found %s)", describeRune(r))
		}
	}
	if _, ok := ParseGUID(v); ok {
		notes = append(notes, "This looks like the secret's ID, not its Value: in Entra ID > App registrations > Certificates & secrets, copy the Value column.")
	}
	return NewSecret(v), notes, nil
}

// CleanAdminUPN checks the optional customer admin: empty, or a user
// principal name such as admin@contoso.onmicrosoft.com.
func CleanAdminUPN(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	at := strings.LastIndexByte(s, '@')
	bad := at <= 0 || at != strings.IndexByte(s, '@') || utf8.RuneCountInString(s) > 113
	if !bad {
		for _, r := range s[:at] {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				bad = true
				break
			}
		}
	}
	if !bad {
		_, ok := parseDomain(s[at+1:])
		bad = !ok
	}
	if bad {
		return "", ruleErr("customer admin", "the customer admin must be empty or a user principal name such as admin@contoso.onmicrosoft.com")
	}
	return s, nil
}

// CleanM365Domain accepts an empty M365 domain (the tenant's initial
// domain is taken) or a domain name, lower-cased.
func CleanM365Domain(d string) (string, error) {
	d = strings.TrimSpace(d)
	if d == "" {
		return "", nil
	}
	id, isGUID, err := ParseTenantID(d)
	if err != nil || isGUID {
		return "", ruleErr("M365 domain", "the M365 domain must be a domain name such as contoso.com or contoso.onmicrosoft.com")
	}
	return id, nil
}

// ParseExpiryDate reads a secret expiry typed from the Entra admin center:
// empty (unknown) or YYYY-MM-DD, taken as the end of that day in UTC, the
// way the admin center rounds it.
func ParseExpiryDate(v string) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		return nil, ruleErr("secret expiry", "the secret expiry must be a date written YYYY-MM-DD (or empty when unknown)")
	}
	end := d.Add(24*time.Hour - time.Second)
	return &end, nil
}

// describeRune names a character the engineer cannot see.
func describeRune(r rune) string {
	switch r {
	case ' ':
		return "a space"
	case '\t':
		return "a tab"
	case '\n', '\r':
		return "a line break"
	case '\u00a0':
		return "a no-break space"
	}
	return fmt.Sprintf("U+%04X", r)
}

func spaced(chars string) string {
	parts := make([]string, 0, len(chars))
	for _, r := range chars {
		parts = append(parts, string(r))
	}
	return strings.Join(parts, " ")
}
