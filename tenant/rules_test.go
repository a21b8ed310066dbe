package tenant

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// wantRule asserts err is a *RuleError whose message contains want ("" = no error).
func wantRule(t *testing.T, input string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("%q: unexpected error %v", input, err)
		}
		return
	}
	var re *RuleError
	if !errors.As(err, &re) {
		t.Fatalf("%q: want rule error containing %q, got %v", input, want, err)
	}
	if !strings.Contains(re.Error(), want) {
		t.Fatalf("%q: want message containing %q, got %q", input, want, re.Error())
	}
}

func TestCheckShortName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "is required"},
		{"2 chars", "ab", "at least 3 characters long (it has 2)"},
		{"3 chars", "abc", ""},
		{"15 chars", strings.Repeat("a", 15), ""},
		{"16 chars", strings.Repeat("a", 16), "at most 15 characters long (it has 16)"},
		{"backslash", `ab\c`, `may not contain '\'`},
		{"slash", "ab/c", "may not contain '/'"},
		{"colon", "ab:c", "may not contain ':'"},
		{"star", "ab*c", "may not contain '*'"},
		{"question", "ab?c", "may not contain '?'"},
		{"quote", `ab"c`, `may not contain '"'`},
		{"less", "ab<c", "may not contain '<'"},
		{"greater", "ab>c", "may not contain '>'"},
		{"pipe", "ab|c", "may not contain '|'"},
		{"dot", "ab.c", "may not contain a dot"},
		{"leading dot", ".abc", "may not contain a dot"},
		{"space", "ab c", "whitespace (found a space)"},
		{"tab", "ab\tc", "whitespace (found a tab)"},
		{"newline", "ab\nc", "whitespace (found a line break)"},
		{"no-break space", "ab\u00a0c", "whitespace (found a no-break space)"},
		{"em space", "ab\u2003c", "whitespace (found U+2003)"},
		{"ideographic space", "ab\u3000c", "whitespace"},
		{"NUL", "ab\x00c", "control or invisible characters (found U+0000)"},
		{"escape", "ab\x1bc", "control or invisible characters (found U+001B)"},
		{"DEL", "ab\x7fc", "control or invisible characters (found U+007F)"},
		{"zero-width space", "ab\u200bc", "control or invisible characters (found U+200B)"},
		{"audit", "audit", `"audit" in any case`},
		{"AUDIT", "AUDIT", "is reserved"},
		{"Audit", "Audit", "is reserved"},
		{"audit inside longer name", "audit1", ""},
		{"digits", "123", ""},
		{"upper and lower", "AbC-Def_01", ""},
		{"other specials", "a!@#$%^&()+=-_", ""},
		{"non-ASCII counted as characters", "ñññ", ""},
		{"15 non-ASCII letters", strings.Repeat("é", 15), ""},
		{"16 non-ASCII letters", strings.Repeat("é", 16), "it has 16"},
		{"2 non-ASCII (4 bytes)", "éé", "it has 2"},
		{"emoji", "☎☎☎", ""},
		{"invalid UTF-8", "ab\xffc", "valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckShortName(tt.in)
			wantRule(t, tt.in, err, tt.want)
			if err != nil {
				var re *RuleError
				errors.As(err, &re)
				if re.Field != "short name" {
					t.Errorf("field = %q, want short name", re.Field)
				}
			}
		})
	}
}

func TestNameKeyIgnoresCase(t *testing.T) {
	for _, pair := range [][2]string{{"Contoso", "CONTOSO"}, {"ÉCOLE", "école"}, {"sbc-01", "SBC-01"}} {
		if NameKey(pair[0]) != NameKey(pair[1]) {
			t.Errorf("NameKey(%q) != NameKey(%q)", pair[0], pair[1])
		}
	}
	if NameKey("sbc1") == NameKey("sbc2") {
		t.Error("different names share a key")
	}
}

func TestCleanCustomerName(t *testing.T) {
	tests := []struct{ in, out, want string }{
		{"", "", "is required"},
		{"   ", "", "is required"},
		{"C", "C", ""},
		{"  Contoso Ltd  ", "Contoso Ltd", ""},
		{strings.Repeat("x", 200), strings.Repeat("x", 200), ""},
		{strings.Repeat("x", 201), "", "at most 200 characters"},
		{strings.Repeat("ü", 200), strings.Repeat("ü", 200), ""},
		{"Con\x07toso", "", "control characters"},
		{"Contoso \u202eLtd", "", "text-direction characters (found U+202E)"},
		{"Con\u2066toso\u2069", "", "found U+2066"},
		{"Contoso\u200f", "", "found U+200F"},
		{"Contoso\u061c", "", "found U+061C"},
		{"Con\u200btoso", "", "found U+200B"},
		{"Contoso\ufeff", "", "found U+FEFF"},
		{"עברית Contoso", "עברית Contoso", ""},
	}
	for _, tt := range tests {
		got, err := CleanCustomerName(tt.in)
		wantRule(t, tt.in, err, tt.want)
		if got != tt.out {
			t.Errorf("CleanCustomerName(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
}

func TestCleanFullName(t *testing.T) {
	if got, err := CleanFullName(""); err != nil || got != "" {
		t.Fatalf("empty full name: %q %v", got, err)
	}
	if _, err := CleanFullName(strings.Repeat("a", 201)); err == nil {
		t.Fatal("201-character full name accepted")
	}
	wantRule(t, "tab", func() error { _, err := CleanFullName("a\tb"); return err }(), "control characters")
	for _, bidi := range []string{"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"} {
		wantRule(t, bidi, func() error { _, err := CleanFullName("Direct" + bidi + "Routing"); return err }(), "text-direction characters")
	}
}

func TestParseLicense(t *testing.T) {
	tests := []struct {
		in   string
		out  License
		want string
	}{
		{"essentials-plus", LicenseEssentialsPlus, ""},
		{"ESSENTIALS-PLUS", LicenseEssentialsPlus, ""},
		{" pro ", LicensePro, ""},
		{"Pro", LicensePro, ""},
		{"", "", `must be "essentials-plus" (Hosted Essentials+) or "pro" (Hosted Pro)`},
		{"essentials+", "", "must be"},
		{"hosted pro", "", "must be"},
		{"enterprise", "", "must be"},
	}
	for _, tt := range tests {
		got, err := ParseLicense(tt.in)
		wantRule(t, tt.in, err, tt.want)
		if got != tt.out {
			t.Errorf("ParseLicense(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
	if LicensePro.Title() != "Hosted Pro" || LicenseEssentialsPlus.Title() != "Hosted Essentials+" {
		t.Error("license titles changed")
	}
}

func TestParseUsers(t *testing.T) {
	tests := []struct {
		in   string
		out  int
		want string
	}{
		{"0", 0, "between 1 and 500"},
		{"1", 1, ""},
		{"250", 250, ""},
		{"500", 500, ""},
		{"501", 0, "between 1 and 500"},
		{"-1", 0, "between 1 and 500"},
		{" 42 ", 42, ""},
		{"", 0, "whole number"},
		{"abc", 0, "whole number"},
		{"1.5", 0, "whole number"},
		{"1e2", 0, "whole number"},
		{"0x10", 0, "whole number"},
		{"99999999999999999999999", 0, "between 1 and 500"},
	}
	for _, tt := range tests {
		got, err := ParseUsers(tt.in)
		wantRule(t, tt.in, err, tt.want)
		if tt.want == "" && got != tt.out {
			t.Errorf("ParseUsers(%q) = %d, want %d", tt.in, got, tt.out)
		}
	}
}

func TestParseTenantID(t *testing.T) {
	tests := []struct {
		in, out string
		guid    bool
		want    string
	}{
		{"72f988bf-86f1-41af-91ab-2d7cd011db47", "72f988bf-86f1-41af-91ab-2d7cd011db47", true, ""},
		{"72F988BF-86F1-41AF-91AB-2D7CD011DB47", "72f988bf-86f1-41af-91ab-2d7cd011db47", true, ""},
		{"{72f988bf-86f1-41af-91ab-2d7cd011db47}", "72f988bf-86f1-41af-91ab-2d7cd011db47", true, ""},
		{" 72f988bf-86f1-41af-91ab-2d7cd011db47\n", "72f988bf-86f1-41af-91ab-2d7cd011db47", true, ""},
		{"00000000-0000-0000-0000-000000000000", "", false, "all-zero GUID"},
		{"contoso.onmicrosoft.com", "contoso.onmicrosoft.com", false, ""},
		{"Contoso.OnMicrosoft.com", "contoso.onmicrosoft.com", false, ""},
		{"contoso.com.", "contoso.com", false, ""},
		{"sub-1.contoso.co.uk", "sub-1.contoso.co.uk", false, ""},
		{"", "", false, "is required"},
		{"contoso", "", false, "must be a GUID"},
		{"-contoso.com", "", false, "must be a GUID"},
		{"contoso-.com", "", false, "must be a GUID"},
		{"contoso..com", "", false, "must be a GUID"},
		{"contoso.c0m", "", false, "must be a GUID"},
		{"con toso.com", "", false, "must be a GUID"},
		{"müller.de", "", false, "must be a GUID"},
		{"72f988bf-86f1-41af-91ab-2d7cd011db4", "", false, "must be a GUID"},
		{"72f988bf-86f1-41af-91ab-2d7cd011db477", "", false, "must be a GUID"},
		{"72f988bf_86f1_41af_91ab_2d7cd011db47", "", false, "must be a GUID"},
		{"g2f988bf-86f1-41af-91ab-2d7cd011db47", "", false, "must be a GUID"},
		{strings.Repeat("a", 64) + ".com", "", false, "must be a GUID"},
	}
	for _, tt := range tests {
		got, isGUID, err := ParseTenantID(tt.in)
		wantRule(t, tt.in, err, tt.want)
		if got != tt.out || (err == nil && isGUID != tt.guid) {
			t.Errorf("ParseTenantID(%q) = %q, %v; want %q, %v", tt.in, got, isGUID, tt.out, tt.guid)
		}
	}
}

func TestParseClientID(t *testing.T) {
	tests := []struct{ in, out, want string }{
		{"1b730954-1685-4b74-9bfd-dac224a7b894", "1b730954-1685-4b74-9bfd-dac224a7b894", ""},
		{"1B730954-1685-4B74-9BFD-DAC224A7B894", "1b730954-1685-4b74-9bfd-dac224a7b894", ""},
		{"", "", "is required"},
		{"00000000-0000-0000-0000-000000000000", "", "all-zero GUID"},
		{"contoso.onmicrosoft.com", "", "must be a GUID"},
		{"1b73095416854b749bfddac224a7b894", "", "must be a GUID"},
	}
	for _, tt := range tests {
		got, err := ParseClientID(tt.in)
		wantRule(t, tt.in, err, tt.want)
		if got != tt.out {
			t.Errorf("ParseClientID(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
}

func TestCleanSecret(t *testing.T) {
	const v = "Xq8~aB3dEfGhIjKlMnOpQrStUvWxYz0123456789"
	tests := []struct {
		name, in  string
		want      string
		noteParts []string
	}{
		{"plain", v, "", nil},
		{"empty", "", "is required", nil},
		{"blank", " \t\n", "is required", nil},
		{"trimmed", "  " + v + "\n", "", []string{"paste accident"}},
		{"GUID-shaped", "1b730954-1685-4b74-9bfd-dac224a7b894", "", []string{"secret's ID, not its Value"}},
		{"control inside", "abc\x00def", "control characters", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, notes, err := CleanSecret(tt.in)
			wantRule(t, "secret", err, tt.want)
			if err != nil {
				if strings.Contains(err.Error(), "def") {
					t.Fatal("the error quotes the secret")
				}
				return
			}
			if s.Reveal() != strings.TrimSpace(tt.in) {
				t.Errorf("value not kept")
			}
			if len(notes) != len(tt.noteParts) {
				t.Fatalf("notes = %q, want %d", notes, len(tt.noteParts))
			}
			for i, p := range tt.noteParts {
				if !strings.Contains(notes[i], p) {
					t.Errorf("note %q lacks %q", notes[i], p)
				}
			}
		})
	}
}

func TestCleanAdminUPN(t *testing.T) {
	tests := []struct{ in, out, want string }{
		{"", "", ""},
		{"  ", "", ""},
		{"admin@contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", ""},
		{" Admin.User@Contoso.com ", "Admin.User@Contoso.com", ""},
		{"admin", "", "user principal name"},
		{"@contoso.com", "", "user principal name"},
		{"admin@", "", "user principal name"},
		{"admin@contoso", "", "user principal name"},
		{"a@b@contoso.com", "", "user principal name"},
		{"ad min@contoso.com", "", "user principal name"},
	}
	for _, tt := range tests {
		got, err := CleanAdminUPN(tt.in)
		wantRule(t, tt.in, err, tt.want)
		if got != tt.out {
			t.Errorf("CleanAdminUPN(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
}

func TestCleanM365Domain(t *testing.T) {
	tests := []struct{ in, out, want string }{
		{"", "", ""},
		{"  ", "", ""},
		{"contoso.com", "contoso.com", ""},
		{" Contoso.OnMicrosoft.COM ", "contoso.onmicrosoft.com", ""},
		{"72f988bf-86f1-41af-91ab-2d7cd011db47", "", "must be a domain name"},
		{"contoso", "", "must be a domain name"},
		{"not a domain", "", "must be a domain name"},
		{"contoso.com/path", "", "must be a domain name"},
	}
	for _, tt := range tests {
		got, err := CleanM365Domain(tt.in)
		wantRule(t, tt.in, err, tt.want)
		if got != tt.out {
			t.Errorf("CleanM365Domain(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
}

// TestParseExpiryDate: a date typed from the Entra admin center is the end
// of that day in UTC; empty is unknown.
func TestParseExpiryDate(t *testing.T) {
	for _, in := range []string{"", "  "} {
		if at, err := ParseExpiryDate(in); at != nil || err != nil {
			t.Errorf("ParseExpiryDate(%q) = %v, %v; want unknown", in, at, err)
		}
	}
	at, err := ParseExpiryDate(" 2027-03-01 ")
	if want := time.Date(2027, 3, 1, 23, 59, 59, 0, time.UTC); err != nil || at == nil || !at.Equal(want) {
		t.Fatalf("ParseExpiryDate(2027-03-01) = %v, %v; want %v", at, err, want)
	}
	if e := ExpiryAt(time.Date(2027, 3, 1, 22, 0, 0, 0, time.UTC), at); e.Urgency != UrgencyUrgent || *e.Days != 0 {
		t.Errorf("on the day itself the secret has not expired yet: %+v", e)
	}
	for _, bad := range []string{"2027-3-1", "01/03/2027", "2027-02-30", "tomorrow", "2027-03-01T00:00:00Z"} {
		at, err := ParseExpiryDate(bad)
		wantRule(t, bad, err, "must be a date written YYYY-MM-DD (or empty when unknown)")
		if at != nil {
			t.Errorf("ParseExpiryDate(%q) = %v", bad, at)
		}
	}
}

func TestParseCloud(t *testing.T) {
	for _, c := range Clouds {
		got, err := ParseCloud(strings.ToUpper(string(c)))
		if err != nil || got != c {
			t.Errorf("ParseCloud(%q) = %q, %v", c, got, err)
		}
	}
	wantRule(t, "mars", func() error { _, err := ParseCloud("mars"); return err }(), "must be one of global, usgov, usdod or china")
	if CloudUSDoD.Endpoints().GraphURL != "https://dod-graph.microsoft.us" || CloudChina.Endpoints().AuthorityHost != "https://login.partner.microsoftonline.cn" {
		t.Error("cloud endpoints changed")
	}
}

// FuzzCheckShortName holds the rule's invariants for any input: an accepted
// name is 3–15 characters of valid UTF-8 with none of the forbidden ones.
func FuzzCheckShortName(f *testing.F) {
	for _, s := range []string{"", "ab", "abc", "audit", "AuDiT", "a.b.c", "ab c", "ab\u00a0c", "ñññ", strings.Repeat("é", 16), "ab\xffc", `a\b/c`, "ok-name_1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckShortName(s)
		if err != nil {
			if !IsRuleError(err) || err.Error() == "" {
				t.Fatalf("%q: not a rule error: %v", s, err)
			}
			return
		}
		n := utf8.RuneCountInString(s)
		if !utf8.ValidString(s) || n < 3 || n > 15 || strings.ContainsAny(s, shortNameForbidden+". \t\n\r\u00a0") || strings.EqualFold(s, "audit") {
			t.Fatalf("%q accepted", s)
		}
	})
}

// FuzzParseTenantID: accepted IDs are lower-case, canonical GUIDs are
// recognised as such, and parsing is idempotent.
func FuzzParseTenantID(f *testing.F) {
	for _, s := range []string{"", "72f988bf-86f1-41af-91ab-2d7cd011db47", "{72F988BF-86F1-41AF-91AB-2D7CD011DB47}", ZeroGUID, "contoso.onmicrosoft.com", "a.b", "-a.com", "x..y", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, isGUID, err := ParseTenantID(s)
		if err != nil {
			if !IsRuleError(err) {
				t.Fatalf("%q: not a rule error: %v", s, err)
			}
			return
		}
		if id != strings.ToLower(id) || id == ZeroGUID {
			t.Fatalf("%q → %q", s, id)
		}
		if g, ok := ParseGUID(id); ok != isGUID || (ok && g != id) {
			t.Fatalf("%q → %q guid=%v", s, id, isGUID)
		}
		again, againGUID, err := ParseTenantID(id)
		if err != nil || again != id || againGUID != isGUID {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, id, again, err)
		}
	})
}

// FuzzParseGUID: whatever is accepted is 36 characters of lower-case hex
// with hyphens at 8, 13, 18 and 23.
func FuzzParseGUID(f *testing.F) {
	for _, s := range []string{"72f988bf-86f1-41af-91ab-2d7cd011db47", "{00000000-0000-0000-0000-000000000000}", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, ok := ParseGUID(s)
		if !ok {
			return
		}
		if len(g) != 36 || g != strings.ToLower(g) {
			t.Fatalf("%q → %q", s, g)
		}
		for i := 0; i < 36; i++ {
			if (i == 8 || i == 13 || i == 18 || i == 23) != (g[i] == '-') {
				t.Fatalf("%q → %q", s, g)
			}
		}
	})
}
