package main

import (
	"strings"
	"testing"
	"time"

	"onboard/tenant/usecase"
)

// TestServicesAddRejectsEveryRule runs `services add` once per rule of docs/rules.md
// rule, each time breaking only that rule: exit 2, a message naming the
// rule, no request to the directory, and the database bytes unchanged.
func TestServicesAddRejectsEveryRule(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "CONTOSO01", fxHealthy, fxHealthy.secret)

	base := map[string]string{
		"--customer": "Contoso Ltd", "--name": "CONTOSO02", "--license": "pro", "--users": "25",
		"--tenant-id": fxHealthy.tenantID, "--client-id": fxHealthy.clientID, "--admin": fxHealthy.admin,
	}
	args := func(change map[string]string) []string {
		a := []string{"services", "add", "--client-secret-stdin"}
		for k, v := range base {
			if nv, ok := change[k]; ok {
				v = nv
			}
			a = append(a, k, v)
		}
		for k, v := range change {
			if _, ok := base[k]; !ok {
				a = append(a, k, v)
			}
		}
		return a
	}
	secret := fxHealthy.secret + "\n"
	cases := []struct {
		name   string
		change map[string]string
		stdin  *string
		want   string
	}{
		{"short name too short", map[string]string{"--name": "AB"}, nil, "at least 3 characters"},
		{"short name too long", map[string]string{"--name": "ABCDEFGHIJKLMNOP"}, nil, "at most 15 characters"},
		{"short name empty", map[string]string{"--name": ""}, nil, "the short name is required"},
		{"short name dot", map[string]string{"--name": "CON.TOSO"}, nil, "may not contain a dot"},
		{"short name space", map[string]string{"--name": "CON TOSO"}, nil, "may not contain spaces"},
		{"short name tab", map[string]string{"--name": "CON\tTOSO"}, nil, "may not contain spaces"},
		{"short name no-break space", map[string]string{"--name": "CON\u00a0TOSO"}, nil, "may not contain spaces"},
		{"short name control", map[string]string{"--name": "CON\x01TOSO"}, nil, "control"},
		{"short name audit", map[string]string{"--name": "audit"}, nil, "reserved"},
		{"short name AuDiT", map[string]string{"--name": "AuDiT"}, nil, "reserved"},
		{"short name duplicate in other case", map[string]string{"--name": "contoso01"}, nil, "already exists (short names are unique, ignoring case)"},
		{"license", map[string]string{"--license": "enterprise"}, nil, `the license must be "essentials-plus"`},
		{"license empty", map[string]string{"--license": ""}, nil, "the license must be"},
		{"users 0", map[string]string{"--users": "0"}, nil, "licensed users must be between 1 and 500"},
		{"users 501", map[string]string{"--users": "501"}, nil, "licensed users must be between 1 and 500"},
		{"users -1", map[string]string{"--users": "-1"}, nil, "licensed users must be between 1 and 500"},
		{"users abc", map[string]string{"--users": "abc"}, nil, "licensed users must be a whole number"},
		{"users 2.5", map[string]string{"--users": "2.5"}, nil, "licensed users must be a whole number"},
		{"tenant id bad", map[string]string{"--tenant-id": "not a tenant"}, nil, "the Tenant ID must be a GUID"},
		{"tenant id all-zero", map[string]string{"--tenant-id": "00000000-0000-0000-0000-000000000000"}, nil, "all-zero GUID"},
		{"tenant id empty", map[string]string{"--tenant-id": ""}, nil, "the Tenant ID is required"},
		{"client id bad", map[string]string{"--client-id": "contoso"}, nil, "the Application (Client) ID must be a GUID"},
		{"client id all-zero", map[string]string{"--client-id": "00000000-0000-0000-0000-000000000000"}, nil, "all-zero GUID"},
		{"secret empty", nil, ptr("\n"), "the client secret is required"},
		{"secret only spaces", nil, ptr("   \n"), "the client secret is required"},
		{"secret nothing on stdin", nil, ptr(""), "the client secret is required"},
		{"admin not a UPN", map[string]string{"--admin": "admin"}, nil, "user principal name"},
		{"admin two @", map[string]string{"--admin": "a@b@contoso.com"}, nil, "user principal name"},
		{"full name too long", map[string]string{"--full-name": strings.Repeat("x", 201)}, nil, "at most 200 characters"},
		{"m365 domain", map[string]string{"--m365-domain": "not a domain"}, nil, "the M365 domain must be a domain name"},
		{"unknown customer", map[string]string{"--customer": "Globex"}, nil, "onboard customers add"},
		{"customer empty", map[string]string{"--customer": ""}, nil, "the customer name is required"},
	}
	for _, ch := range []string{`\`, "/", ":", "*", "?", `"`, "<", ">", "|"} {
		cases = append(cases, struct {
			name   string
			change map[string]string
			stdin  *string
			want   string
		}{"short name " + ch, map[string]string{"--name": "CON" + ch + "TOSO"}, nil, "may not contain '" + ch + "'"})
	}
	before := w.dbBytes(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := secret
			if c.stdin != nil {
				in = *c.stdin
			}
			r := w.run(t, in, nil, args(c.change)...)
			if r.code != 2 {
				t.Fatalf("want exit 2, got\n%s", r)
			}
			if !strings.HasPrefix(r.stderr, "onboard: ") || !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr should name the rule (%q):\n%s", c.want, r.stderr)
			}
		})
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("rejected input made %d requests to the directory", n)
	}
	if string(before) != string(w.dbBytes(t)) {
		t.Error("rejected input changed the database")
	}
	w.withStore(t, func(st usecase.Store) {
		list, err := st.ListSummaries()
		if err != nil || len(list) != 1 {
			t.Errorf("services after the rejections: %d (%v)", len(list), err)
		}
	})
}

func TestCustomersAddRejectsRules(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	before := w.dbBytes(t)
	for name, c := range map[string]struct{ arg, want string }{
		"duplicate in other case": {"CONTOSO LTD", "already exists (customer names are unique, ignoring case)"},
		"duplicate with spaces":   {" Contoso Ltd ", "already exists"},
		"empty":                   {"", "the customer name is required"},
		"blank":                   {"   ", "the customer name is required"},
		"too long":                {strings.Repeat("x", 201), "at most 200 characters"},
		"control character":       {"Contoso\x07", "control characters"},
	} {
		t.Run(name, func(t *testing.T) {
			r := w.run(t, "", nil, "customers", "add", c.arg)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("want exit 2 and %q, got\n%s", c.want, r)
			}
		})
	}
	if string(before) != string(w.dbBytes(t)) {
		t.Error("a rejected customer changed the database")
	}
	if r := w.must(t, 0, "", "customers", "list", "--json"); strings.Count(r.stdout, `"name"`) != 1 {
		t.Errorf("listing changed:\n%s", r.stdout)
	}
}

// TestServicesAddSecretNotes: the two secret rules of docs/rules.md that are not
// refusals. Whitespace around a pasted secret is trimmed and the engineer is
// told; a GUID-shaped secret is probably the secret's ID and gets a warning
// (and then fails validation: Entra ID does not know it as a Value).
func TestServicesAddSecretNotes(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	r := w.must(t, 0, "\t"+fxHealthy.secret+"  \n", addArgs("Contoso Ltd", "TRIMMED", fxHealthy)...)
	if !strings.Contains(r.stderr, "onboard: note: Removed spaces or line breaks around the client secret") {
		t.Errorf("the trimming is not told:\n%s", r)
	}
	r = w.must(t, 1, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4e\n", addArgs("Contoso Ltd", "SECRETID", fxHealthy)...)
	if !strings.Contains(r.stderr, "onboard: note: This looks like the secret's ID, not its Value") {
		t.Errorf("a GUID-shaped secret gets no warning:\n%s", r)
	}
}

func ptr(s string) *string { return &s }

// TestServicesAddReportsEveryBrokenRule: one run names every broken rule
// (each on its own line), still exit 2 before the secret is read and
// before any network call.
func TestServicesAddReportsEveryBrokenRule(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	before := w.dbBytes(t)
	r := w.run(t, fxHealthy.secret+"\n", nil, "services", "add", "--customer", "Globex", "--name", "c5",
		"--license", "gold", "--users", "501", "--tenant-id", "not a tenant", "--client-id", "x",
		"--admin", "root", "--client-secret-stdin")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2:\n%s", r.code, r)
	}
	for _, want := range []string{
		"onboard: the short name must be at least 3 characters long",
		`onboard: the license must be "essentials-plus"`,
		"onboard: licensed users must be between 1 and 500",
		"onboard: the Tenant ID must be a GUID",
		"onboard: the Application (Client) ID must be a GUID",
		"onboard: the customer admin must be empty or a user principal name",
		"onboard: there is no customer \"Globex\": add it first with `onboard customers add \"Globex\"`",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("%d requests made for rejected input", n)
	}
	if string(before) != string(w.dbBytes(t)) {
		t.Error("rejected input changed the database")
	}
}
