package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	onboardbolt "onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/entra/entratest"
	"onboard/tenant/usecase"
)

func TestVersionHelpAndCompletion(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	if r := w.must(t, 0, "", "--version"); strings.TrimSpace(r.stdout) != "onboard "+testVersion {
		t.Errorf("--version printed %q", r.stdout)
	}
	r := w.must(t, 0, "", "--help")
	for _, want := range []string{"customers", "services", "validate", "expiring", "completion", "--db", "--cloud", "--authority-host", "--graph-url", "--timeout", "--demo", "Examples:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q:\n%s", want, r.stdout)
		}
	}
	// Every command's help has an example.
	for _, cmd := range [][]string{
		{"customers"}, {"customers", "add"}, {"customers", "list"},
		{"services"}, {"services", "add"}, {"services", "list"}, {"services", "show"}, {"services", "delete"},
		{"validate"}, {"expiring"}, {"completion"},
	} {
		r := w.must(t, 0, "", append(cmd, "--help")...)
		if !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "onboard "+cmd[0]) {
			t.Errorf("onboard %s --help has no example:\n%s", strings.Join(cmd, " "), r.stdout)
		}
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		if r := w.must(t, 0, "", "completion", sh); !strings.Contains(r.stdout, "onboard") {
			t.Errorf("completion %s printed nothing useful", sh)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"unknown command", nil, []string{"frobnicate"}, "unknown command"},
		{"unknown subcommand", nil, []string{"services", "lsit"}, `unknown command "lsit" for "onboard services"`},
		{"unknown customers subcommand", nil, []string{"customers", "remove", "x"}, "unknown command"},
		{"unknown flag", nil, []string{"services", "list", "--colour"}, "unknown flag"},
		{"customers add without name", nil, []string{"customers", "add"}, "exactly 1 argument"},
		{"show without name", nil, []string{"services", "show"}, "exactly 1 argument"},
		{"validate nothing", nil, []string{"validate"}, "--all"},
		{"validate names and all", nil, []string{"validate", "--all", "X1X"}, "not both"},
		{"concurrency zero", nil, []string{"validate", "--all", "--concurrency", "0"}, "--concurrency must be between 1 and"},
		{"concurrency not a number", nil, []string{"validate", "--all", "--concurrency", "many"}, "--concurrency needs a whole number"},
		{"within negative", nil, []string{"expiring", "--within", "-1"}, "--within must be zero or more"},
		{"within not a number", nil, []string{"expiring", "--within", "soon"}, "--within needs a whole number"},
		{"secret after the stdin switch", nil, []string{"services", "add", "--client-secret-stdin", "Xq8~pasted.secret"}, "takes no arguments (got 1, not repeated here in case one was a secret): the client secret is read only from stdin"},
		{"secret as the stdin switch's value", nil, []string{"services", "add", "--client-secret-stdin=Xq8~pasted.secret"}, "--client-secret-stdin is a switch and takes no value"},
		{"secret as a timeout", nil, []string{"--timeout", "Xq8~pasted.secret", "services", "list"}, "--timeout needs a duration"},
		{"secret not from stdin", nil, []string{"services", "add", "--customer", "Contoso Ltd", "--name", "ABC"}, "--client-secret-stdin"},
		{"secret as a flag", nil, []string{"services", "add", "--client-secret", "x"}, "unknown flag"},
		{"http authority", nil, []string{"--authority-host", "http://login.example.com", "services", "list"}, "--authority-host (ONBOARD_AUTHORITY_HOST): the authority host must be an https:// URL"},
		{"http graph from env", []string{"ONBOARD_GRAPH_URL=http://graph.example.com"}, []string{"services", "list"}, "--graph-url (ONBOARD_GRAPH_URL): the Graph URL must be an https:// URL"},
		{"graph not a URL", nil, []string{"--graph-url", "graph.example.com", "services", "list"}, "must be an https:// URL"},
		{"authority with a path", nil, []string{"--authority-host", "https://login.example.com/contoso", "services", "list"}, "without a path"},
		{"bad cloud flag", nil, []string{"--cloud", "mars", "services", "list"}, "the cloud must be one of global, usgov, usdod or china"},
		{"bad cloud env", []string{"ONBOARD_CLOUD=moon"}, []string{"services", "list"}, "the cloud must be one of"},
		{"bad timeout env", []string{"ONBOARD_TIMEOUT=soon"}, []string{"services", "list"}, "ONBOARD_TIMEOUT must be a duration"},
		{"bad timeout flag", nil, []string{"--timeout", "-5s", "services", "list"}, "positive duration"},
		{"show unknown service", nil, []string{"services", "show", "NOPE"}, `there is no service named "NOPE"`},
		{"delete unknown service", nil, []string{"services", "delete", "NOPE"}, `there is no service named "NOPE"`},
		{"validate unknown service", nil, []string{"validate", "NOPE"}, `there is no service named "NOPE"`},
		{"demo latency without demo", nil, []string{"--demo-latency", "1s"}, "--demo-latency goes with --demo"},
		{"demo latency negative", nil, []string{"--demo", "--demo-latency", "-1s"}, "--demo-latency must not be negative"},
		{"sbc domain not a domain", nil, []string{"--sbc-domain", "sbc provider", "services", "list"}, "--sbc-domain (ONBOARD_SBC_DOMAIN): the SBC domain must be a domain name"},
		{"sbc domain env not a domain", []string{"ONBOARD_SBC_DOMAIN=https://sbc.example/x"}, []string{"services", "list"}, "--sbc-domain (ONBOARD_SBC_DOMAIN)"},
		{"sign-in client env no GUID", []string{"ONBOARD_SIGNIN_CLIENT_ID=graph-cli"}, []string{"services", "list"}, "--signin-client-id (ONBOARD_SIGNIN_CLIENT_ID): the sign-in client ID must be an Application ID"},
		{"db copy without --to", nil, []string{"db", "copy", "--from", "laptop.db"}, "give the source file with --from and the target database with --to"},
		{"db copy from a team database", nil, []string{"db", "copy", "--from", "postgres://db.example/onboard", "--to", "x.db"}, "--from is a bbolt file"},
		{"db backup without a file", nil, []string{"db", "backup"}, "exactly 1 argument: the new backup file"},
		{"audit since not a day", nil, []string{"audit", "--since", "last week"}, "--since must be a day"},
		{"report format", nil, []string{"services", "report", "X1X", "--format", "pdf"}, "--format must be md or html"},
	}
	before := w.dbBytes(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.run(t, "", c.env, c.args...)
			if r.code != 2 {
				t.Fatalf("want exit 2, got\n%s", r)
			}
			if !strings.Contains(r.stderr, c.want) || !strings.HasPrefix(r.stderr, "onboard: ") {
				t.Errorf("stderr should start with 'onboard: ' and say %q:\n%s", c.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("nothing should go to stdout on a usage error:\n%s", r.stdout)
			}
			// A value pasted in the wrong place may be a secret: usage
			// errors name the flag or count the arguments, never repeat them.
			if strings.Contains(r.stderr, "pasted.secret") {
				t.Errorf("a usage error repeated the value given:\n%s", r.stderr)
			}
		})
	}
	// An error cobra raises (flag, argument, command) points at --help;
	// one of onboard's own words says the fix itself.
	if r := w.run(t, "", nil, "services", "list", "--colour"); !strings.HasSuffix(r.stderr, "Run 'onboard services list --help' for usage.\n") {
		t.Errorf("a cobra usage error should end pointing at --help:\n%s", r)
	}
	if r := w.run(t, "", nil, "validate"); strings.Contains(r.stderr, "--help' for usage") {
		t.Errorf("onboard's own usage error should not point at --help:\n%s", r)
	}
	if string(before) != string(w.dbBytes(t)) {
		t.Error("a rejected command changed the database")
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("usage errors made %d requests to the directory", n)
	}
}

func TestFlagWinsOverEnv(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	// A broken variable is ignored when the flag is given.
	r := w.run(t, "", []string{"ONBOARD_GRAPH_URL=http://nope", "ONBOARD_DB=/nonexistent/dir/x.db"},
		"--graph-url", w.srv.GraphURL(), "--db", w.db, "customers", "add", "Contoso Ltd")
	if r.code != 0 {
		t.Fatalf("flags should win over broken variables:\n%s", r)
	}
	if !fileExists(w.db) {
		t.Fatal("--db was not used")
	}
	// And the variable is used without the flag: the database moves.
	other := w.dir + "/other.db"
	w.run(t, "", []string{"ONBOARD_DB=" + other}, "customers", "add", "Fabrikam")
	if !fileExists(other) {
		t.Fatal("ONBOARD_DB was not used")
	}
}

func TestDefaultDatabasePath(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	env := []string{"ONBOARD_DB="} // empty: fall back to the data directory
	if r := w.run(t, "", env, "customers", "add", "Contoso Ltd"); r.code != 0 {
		t.Fatal(r)
	}
	if p := w.dir + "/xdg/onboard/onboard.db"; !fileExists(p) {
		t.Fatalf("no database at %s", p)
	}
	env = append(env, "XDG_DATA_HOME=")
	if r := w.run(t, "", env, "customers", "add", "Contoso Ltd"); r.code != 0 {
		t.Fatal(r)
	}
	if p := w.dir + "/home/.local/share/onboard/onboard.db"; !fileExists(p) {
		t.Fatalf("no database at %s", p)
	}
}

func TestCustomers(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	if r := w.must(t, 0, "", "customers", "list"); !strings.Contains(r.stdout, "No customers yet") {
		t.Errorf("empty list: %q", r.stdout)
	}
	w.must(t, 0, "", "customers", "add", "  Contoso Ltd ")
	w.must(t, 0, "", "customers", "add", "Fabrikam")
	r := w.must(t, 0, "", "customers", "list")
	if !strings.Contains(r.stdout, "NAME") || !strings.Contains(r.stdout, "Contoso Ltd") || !strings.Contains(r.stdout, "Fabrikam") {
		t.Errorf("list:\n%s", r.stdout)
	}
	var list []map[string]any
	r = w.must(t, 0, "", "customers", "list", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("customers list --json: %v\n%s", err, r.stdout)
	}
	if len(list) != 2 || list[0]["name"] != "Contoso Ltd" || list[0]["services"] != 0.0 || list[0]["createdAt"] == nil {
		t.Errorf("customers list --json: %v", list)
	}
}

func TestAddValidateShowDelete(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")

	r := w.must(t, 0, fxHealthy.secret+"\n", addArgs("Contoso Ltd", "CONTOSO01", fxHealthy, "--full-name", "Contoso Direct Routing")...)
	if !strings.Contains(r.stdout, "Created service CONTOSO01") || !strings.Contains(r.stdout, "Hk7****") {
		t.Errorf("add output:\n%s", r)
	}

	r = w.must(t, 0, "", "services", "list")
	for _, want := range []string{"CONTOSO01", "Contoso Ltd", "Pro", "25", "active", "pass", "200"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("services list lacks %q:\n%s", want, r.stdout)
		}
	}

	r = w.must(t, 0, "", "services", "show", "contoso01", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	want := map[string]any{
		"name": "CONTOSO01", "customer": "Contoso Ltd", "fullName": "Contoso Direct Routing", "license": "pro",
		"users": 25.0, "tenantId": fxHealthy.tenantID, "clientId": fxHealthy.clientID, "secretHint": "Hk7****",
		"adminUser": fxHealthy.admin, "m365Domain": fxHealthy.domain, "state": "active",
	}
	for k, x := range want {
		if v[k] != x {
			t.Errorf("show --json %s = %v, want %v", k, v[k], x)
		}
	}
	lv, _ := v["lastValidation"].(map[string]any)
	if lv == nil {
		t.Fatalf("no lastValidation: %v", v)
	}
	for _, k := range []string{"status", "at", "tenantName", "secretExpiresAt", "daysUntilExpire", "roles", "permissions", "checks", "aadsts", "correlationId"} {
		if _, ok := lv[k]; !ok {
			t.Errorf("lastValidation lacks %q: %v", k, lv)
		}
	}
	if lv["status"] != "pass" || lv["daysUntilExpire"] != 200.0 || lv["tenantName"] != "Contoso" {
		t.Errorf("lastValidation: %v", lv)
	}
	checks, _ := lv["checks"].([]any)
	if len(checks) == 0 {
		t.Fatal("no checks")
	}
	for _, k := range []string{"name", "status", "detail", "fix"} {
		if _, ok := checks[0].(map[string]any)[k]; !ok {
			t.Errorf("check lacks %q: %v", k, checks[0])
		}
	}

	r = w.must(t, 0, "", "services", "show", "CONTOSO01")
	for _, want := range []string{"Tenant ID", fxHealthy.tenantID, "Client secret", "Hk7****", "Days until expire", "200", "Teams Administrator"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("services show lacks %q:\n%s", want, r.stdout)
		}
	}

	r = w.must(t, 0, "", "validate", "CONTOSO01", "--json")
	var vs []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &vs); err != nil || len(vs) != 1 {
		t.Fatalf("validate --json: %v\n%s", err, r.stdout)
	}
	w.withStore(t, func(st usecase.Store) {
		h, err := st.History("CONTOSO01")
		if err != nil || len(h) != 2 {
			t.Errorf("history after add + validate: %d reports, %v", len(h), err)
		}
	})

	r = w.must(t, 0, "", "customers", "list")
	if !strings.Contains(r.stdout, "Contoso Ltd  1") {
		t.Errorf("customer's service count:\n%s", r.stdout)
	}

	w.must(t, 0, "", "services", "delete", "contoso01")
	if r := w.must(t, 0, "", "services", "list", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("after delete: %s", r.stdout)
	}
	w.must(t, 2, "", "services", "delete", "CONTOSO01")
}

func TestAddWarningSavesAndFailureSavesNothing(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Northwind")

	// A warning (no Application.Read.All: expiry unknown) still saves.
	r := w.must(t, 0, fxNoExpiry.secret+"\n", append(addArgs("Northwind", "NW01", fxNoExpiry), "--json", "--m365-domain", "northwind.example.com")...)
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatal(err)
	}
	lv := v["lastValidation"].(map[string]any)
	if lv["status"] != "warn" || lv["daysUntilExpire"] != nil || v["m365Domain"] != "northwind.example.com" {
		t.Errorf("warned service: %v", v)
	}

	// A wrong secret: exit 1, the report on stderr, nothing saved.
	before := w.dbBytes(t)
	calls := w.networkCalls()
	r = w.must(t, 1, "Nw5~Wrong.Secret.Value\n", addArgs("Northwind", "NW02", fxNoExpiry)...)
	if !strings.Contains(r.stderr, "7000215") || !strings.Contains(r.stderr, "was not saved") {
		t.Errorf("failed validation should print the report (AADSTS7000215):\n%s", r)
	}
	if r.stdout != "" {
		t.Errorf("stdout on failure: %q", r.stdout)
	}
	if w.networkCalls() == calls {
		t.Error("the failed add made no validation requests")
	}
	if string(before) != string(w.dbBytes(t)) {
		t.Error("a failed validation changed the database")
	}
	w.must(t, 2, "", "services", "show", "NW02")
}

func TestValidateAllRecordsEveryReportAndExit1OnFailure(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "GOOD1", fxHealthy, fxHealthy.secret)
	w.seedService(t, "Contoso Ltd", "GOOD2", fxHealthy, fxHealthy.secret)
	w.seedService(t, "Fabrikam", "SOON", fxExpiring, fxExpiring.secret)
	w.withStore(t, func(st usecase.Store) {
		// Saved pending authentication: nothing to validate.
		if err := st.CreateService(tenant.Service{Name: "PENDING", Customer: "Fabrikam", License: tenant.LicensePro, Users: 1, State: tenant.StatePendingAuth}); err != nil {
			t.Fatal(err)
		}
	})

	r := w.must(t, 0, "", "validate", "--all", "--concurrency", "2")
	for _, want := range []string{"GOOD1", "GOOD2", "SOON", "pass", "warn"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("validate --all lacks %q:\n%s", want, r)
		}
	}
	if !strings.Contains(r.stderr, "PENDING") {
		t.Errorf("the pending service should be named as skipped:\n%s", r.stderr)
	}
	w.must(t, 2, "", "validate", "PENDING")

	// Credentials that stopped working: exit 1, and the failure recorded.
	w.seedService(t, "Fabrikam", "BROKEN", fxExpiring, "Fb2~Rotated.Away.Secret")
	r = w.must(t, 1, "", "validate", "--all", "--json")
	var vs []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &vs); err != nil || len(vs) != 4 {
		t.Fatalf("validate --all --json: %v\n%s", err, r)
	}
	if !strings.Contains(r.stderr, "1 of 4 validations failed") {
		t.Errorf("stderr: %s", r.stderr)
	}
	w.withStore(t, func(st usecase.Store) {
		for name, n := range map[string]int{"GOOD1": 2, "GOOD2": 2, "SOON": 2, "BROKEN": 1, "PENDING": 0} {
			h, err := st.History(name)
			if err != nil || len(h) != n {
				t.Errorf("%s: %d reports recorded, want %d (%v)", name, len(h), n, err)
			}
		}
		s, _ := st.GetService("BROKEN")
		if s.LastValidation == nil || s.LastValidation.Status != tenant.StatusFail || s.LastValidation.AADSTS == "" {
			t.Errorf("BROKEN's last validation: %+v", s.LastValidation)
		}
	})
	w.must(t, 1, "", "validate", "BROKEN", "good1")
	w.must(t, 0, "", "validate", "GOOD1", "good1")
}

func TestExpiring(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	if r := w.must(t, 0, "", "expiring"); !strings.Contains(r.stdout, "No client secret expires within 30 days") {
		t.Errorf("empty database: %s", r.stdout)
	}
	w.seedService(t, "Contoso Ltd", "GOOD", fxHealthy, fxHealthy.secret)
	w.seedService(t, "Fabrikam", "SOON", fxExpiring, fxExpiring.secret)
	w.seedService(t, "Northwind", "UNKNOWN", fxNoExpiry, fxNoExpiry.secret)
	w.must(t, 0, "", "validate", "--all")

	r := w.must(t, 1, "", "expiring")
	exp, unk, _ := strings.Cut(r.stdout, "expiry unknown")
	if !strings.Contains(exp, "SOON") || strings.Contains(exp, "GOOD") || strings.Contains(exp, "UNKNOWN") {
		t.Errorf("expiring section:\n%s", r.stdout)
	}
	if !strings.Contains(unk, "UNKNOWN") || strings.Contains(unk, "SOON") {
		t.Errorf("unknown section:\n%s", r.stdout)
	}

	r = w.must(t, 1, "", "expiring", "--within", "5", "--json")
	var v struct {
		Within   int              `json:"within"`
		Expiring []map[string]any `json:"expiring"`
		Unknown  []map[string]any `json:"unknown"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.Within != 5 || len(v.Expiring) != 0 || len(v.Unknown) != 1 || v.Unknown[0]["name"] != "UNKNOWN" {
		t.Errorf("expiring --within 5 --json: %+v", v)
	}
	r = w.must(t, 1, "", "expiring", "--within", "365", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Expiring) != 2 || v.Expiring[0]["name"] != "SOON" || v.Expiring[1]["name"] != "GOOD" {
		t.Errorf("soonest first: %+v", v.Expiring)
	}
	if d := v.Expiring[0]["lastValidation"].(map[string]any)["daysUntilExpire"]; d != 10.0 {
		t.Errorf("SOON daysUntilExpire = %v, want 10", d)
	}

	w.must(t, 0, "", "services", "delete", "SOON")
	w.must(t, 0, "", "services", "delete", "UNKNOWN")
	w.must(t, 0, "", "expiring")
}

func TestStoreErrorsAreExplained(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "GOOD", fxHealthy, fxHealthy.secret)

	// Another onboard holds the database.
	var r result
	w.withStore(t, func(usecase.Store) {
		r = w.run(t, "", nil, "services", "list")
	})
	if r.code != 1 || !strings.Contains(r.stderr, "in use by another onboard process") {
		t.Errorf("locked database:\n%s", r)
	}

	// The wrong key.
	other := strings.Repeat("A", 43) + "="
	r = w.run(t, "", []string{"ONBOARD_KEY=" + other}, "services", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "is not the one the client secrets") {
		t.Errorf("wrong key:\n%s", r)
	}

	// A key file others can read.
	keyFile := w.dir + "/loose.key"
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("A", 43)+"=\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = w.run(t, "", []string{"ONBOARD_KEY=", "ONBOARD_KEY_FILE=" + keyFile}, "customers", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("loose key file:\n%s", r)
	}
}

// TestSystemTrustIsUsed shows the binary trusts what SSL_CERT_FILE adds
// and nothing else: without it, the simulated directory's certificate is
// refused and validation fails.
func TestSystemTrustIsUsed(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "GOOD", fxHealthy, fxHealthy.secret)
	empty := w.dir + "/empty.pem"
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	r := w.run(t, "", []string{"SSL_CERT_FILE=" + empty, "SSL_CERT_DIR=" + emptyDir}, "validate", "GOOD")
	if r.code != 1 || !strings.Contains(r.stdout, "fail") {
		t.Errorf("an untrusted endpoint should fail validation:\n%s", r)
	}
	w.must(t, 0, "", "validate", "GOOD")
}

// TestTimeoutReachesTheValidator: ONBOARD_TIMEOUT bounds a validation
// against a slow directory, and --timeout wins over it.
func TestTimeoutReachesTheValidator(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "GOOD", fxHealthy, fxHealthy.secret)
	w.srv.SetLatency(400 * time.Millisecond)
	r := w.run(t, "", []string{"ONBOARD_TIMEOUT=100ms"}, "validate", "GOOD")
	if r.code != 1 || !strings.Contains(r.stdout, "fail") {
		t.Errorf("a 100ms timeout against a 400ms directory should fail:\n%s", r)
	}
	r = w.run(t, "", []string{"ONBOARD_TIMEOUT=100ms"}, "--timeout", "1m", "validate", "GOOD")
	if r.code != 0 {
		t.Errorf("--timeout 1m should win over ONBOARD_TIMEOUT:\n%s", r)
	}
}

// TestDynamicCompletion: the shell completion scripts call the hidden
// __complete command; it offers service and customer names from the
// database and the fixed choices of --license and --cloud.
func TestDynamicCompletion(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	// No database yet: nothing offered, and none created.
	if r := w.must(t, 0, "", "__complete", "services", "show", ""); strings.Contains(r.stdout, "CONTOSO") || fileExists(w.db) {
		t.Errorf("completion without a database: %q (created: %v)", r.stdout, fileExists(w.db))
	}
	w.seedService(t, "Contoso Ltd", "CONTOSO01", fxHealthy, fxHealthy.secret)
	w.seedService(t, "Contoso Ltd", "CONTOSO02", fxHealthy, fxHealthy.secret)
	w.seedService(t, "Fabrikam", "FAB01", fxExpiring, fxExpiring.secret)
	for _, c := range []struct {
		args      []string
		want, not []string
	}{
		{[]string{"services", "show", "con"}, []string{"CONTOSO01", "CONTOSO02"}, []string{"FAB01"}},
		{[]string{"validate", "CONTOSO01", ""}, []string{"CONTOSO02", "FAB01"}, []string{"CONTOSO01"}},
		{[]string{"services", "delete", "f"}, []string{"FAB01"}, []string{"CONTOSO"}},
		{[]string{"services", "add", "--customer", ""}, []string{"Contoso Ltd", "Fabrikam"}, nil},
		{[]string{"services", "add", "--license", ""}, []string{"essentials-plus", "pro"}, nil},
		{[]string{"services", "list", "--cloud", ""}, []string{"global", "usgov", "usdod", "china"}, nil},
	} {
		r := w.must(t, 0, "", append([]string{"__complete"}, c.args...)...)
		for _, s := range c.want {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("complete %v: %q missing from\n%s", c.args, s, r)
			}
		}
		for _, s := range c.not {
			if strings.Contains(r.stdout, s) {
				t.Errorf("complete %v: %q offered\n%s", c.args, s, r.stdout)
			}
		}
	}
}

// TestNewerSchemaIsRefused: a database written by a newer onboard is
// refused with exit 1 and a message saying so, and is left as it was.
func TestNewerSchemaIsRefused(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	db, err := bolt.Open(w.db, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		if meta == nil {
			return errors.New("no meta bucket")
		}
		return meta.Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, onboardbolt.SchemaVersion+1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	before := w.dbBytes(t)
	r := w.run(t, "", nil, "customers", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "newer onboard") || !strings.Contains(r.stderr, "this is onboard "+testVersion) {
		t.Errorf("newer schema:\n%s", r)
	}
	if string(before) != string(w.dbBytes(t)) {
		t.Error("the newer database was changed")
	}
}

// TestAddDoesNotHoldTheDatabaseWhileValidating: while `services add` waits
// on a slow directory, another onboard can use the database.
// TestAddTakesTheDatabaseBeforeTheSecret: another onboard process using
// the database shows before the secret is read and before any network
// call, never after a validation that could not be saved (the engineer
// would have to type the secret again).
func TestAddTakesTheDatabaseBeforeTheSecret(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	var r result
	w.withStore(t, func(usecase.Store) {
		r = w.run(t, fxHealthy.secret+"\n", nil, addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	})
	if r.code != 1 || !strings.Contains(r.stderr, "in use by another onboard process") {
		t.Errorf("services add with the database taken:\n%s", r)
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("%d requests made before the database was taken", n)
	}
	// Once free, the whole add holds it: a second process is told at once.
	w.srv.SetLatency(500 * time.Millisecond)
	cmd := exec.Command(binPath, addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	cmd.Env = w.env()
	cmd.Stdin = strings.NewReader(fxHealthy.secret + "\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !entratest.Eventually(time.Minute, func() bool { return w.networkCalls() > 0 }) {
		t.Fatalf("services add never validated:\n%s", out.String())
	}
	r = w.run(t, "", nil, "customers", "list")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("services add: %v\n%s", err, out.String())
	}
	if r.code != 1 || !strings.Contains(r.stderr, "in use by another onboard process") {
		t.Errorf("a second process during services add:\n%s", r)
	}
	w.must(t, 0, "", "services", "show", "CONTOSO01")
}

// TestUnreadableServiceIsNamed: a service whose secret no key given can
// unseal (sealed with a key this engineer lacks) is named on stderr by
// validate --all and the JSON listings, while every other service is
// validated and listed (docs/cli.md).
func TestUnreadableServiceIsNamed(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.seedService(t, "Contoso Ltd", "GOOD1", fxHealthy, fxHealthy.secret)
	other, err := seal.NewKey(bytes.Repeat([]byte{0x7e}, 32), "another engineer's key")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := seal.NewKey(w.key, "the test's key")
	if err != nil {
		t.Fatal(err)
	}
	st, err := onboardbolt.Open(w.db, onboardbolt.Options{Keys: seal.NewKeyring(other, ours)})
	if err != nil {
		t.Fatal(err)
	}
	err = st.CreateService(tenant.Service{Name: "SEALED", Customer: "Contoso Ltd", License: tenant.LicensePro, Users: 1, State: tenant.StateActive,
		App: tenant.AppRegistration{TenantID: fxExpiring.tenantID, ClientID: fxExpiring.clientID, Secret: tenant.NewSecret(fxExpiring.secret)}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	// The line names the service (its stored spelling is in the reason).
	namesSealed := func(stderr string) bool {
		for _, line := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(line, "onboard: skipped service ") && strings.Contains(line, "SEALED") {
				return true
			}
		}
		return false
	}
	r := w.run(t, "", nil, "validate", "--all")
	if !namesSealed(r.stderr) || !strings.Contains(r.stdout, "GOOD1") || strings.Contains(r.stdout, "SEALED") {
		t.Errorf("validate --all should validate GOOD1 and name SEALED on stderr:\n%s", r)
	}
	r = w.must(t, 0, "", "services", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 || list[0]["name"] != "GOOD1" {
		t.Errorf("services list --json: %v\n%s", err, r)
	}
	if !namesSealed(r.stderr) {
		t.Errorf("services list --json should name SEALED on stderr:\n%s", r)
	}
}
