package wizard

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"onboard/tenant/entrasim"
)

// clipboard is what the OSC 52 sequences written to term set the
// clipboard to, decoded, in order.
func clipboard(t *testing.T, term *bytes.Buffer) []string {
	t.Helper()
	var out []string
	rest := term.String()
	for {
		i := strings.Index(rest, "\x1b]52;c;")
		if i < 0 {
			return out
		}
		rest = rest[i+len("\x1b]52;c;"):]
		end := strings.IndexByte(rest, '\x07')
		if end < 0 {
			t.Fatalf("an OSC 52 sequence without its end: %q", rest)
		}
		text, err := base64.StdEncoding.DecodeString(rest[:end])
		if err != nil {
			t.Fatalf("OSC 52 payload: %v", err)
		}
		out = append(out, string(text))
		rest = rest[end+1:]
	}
}

// savedFile is the text of a file the wizard saved in the working
// directory, which must be readable by its owner only.
func savedFile(t *testing.T, name string) string {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatalf("not saved: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// What is handed over with one key — copied to the clipboard (base64 in
// an OSC 52 sequence, which a scan of the frames does not read) or saved
// to a file — says what it promises and never holds the secret typed: the
// instructions after a validation the customer's admin must fix, after
// saving the service pending authentication, and from its page, and the
// report of a healthy service.
func TestHandedOverTextNeverHoldsTheSecret(t *testing.T) {
	t.Chdir(t.TempDir())
	e := newEnv(t, entrasim.Demo(testNow))
	contoso, prose := demoTenant(t, "Contoso"), demoTenant(t, "Proseware")
	e.validated(t, "ctso-dr1", "Contoso Ltd", contoso)
	opts := e.options()
	opts.Demo = demoList()
	h := newHarness(t, opts)
	var term bytes.Buffer
	h.root().common.term = &term
	for !strings.Contains(h.view(), "> Proseware") {
		h.key(tea.KeyDown)
	}
	h.typ("a") // add a service with Proseware's credentials
	// From here on no frame shows them (the demo screen shows its
	// sample secrets on purpose).
	h.secrets = []string{contoso.Secret, prose.Secret}
	h.toCredentials("Proseware", "prose-1")
	h.enter() // validate: blocked by Conditional Access, on the customer's side

	h.typ("c")
	h.contains("Copied what the customer's admin must fix to the clipboard")
	h.enter() // Save as pending authentication
	h.enter() // Create service
	h.contains("Send this to the customer's admin")
	h.typ("c")
	h.contains("Copied the instructions to the clipboard")
	h.typ("w")
	h.contains("Saved the instructions to")
	instructions := savedFile(t, "onboard-prose-1-instructions.txt")
	h.enter() // the service page
	h.contains("M365 Configuration")
	h.typ("c")
	h.contains("Copied what the customer's admin must fix to the clipboard")
	h.typ("r")
	h.contains("Saved the report to")
	proseReport := savedFile(t, "onboard-prose-1-report.md")

	h.esc() // the main menu
	h.menuTo(1)
	h.enter() // ctso-dr1, sorted first
	h.contains("Service ctso-dr1")
	h.typ("c")
	h.contains("Copied the report to the clipboard")
	h.typ("r")
	ctsoReport := savedFile(t, "onboard-ctso-dr1-report.md")

	copied := clipboard(t, &term)
	if len(copied) != 4 {
		t.Fatalf("%d texts copied, want 4", len(copied))
	}
	if copied[1] != instructions || copied[2] != instructions {
		t.Errorf("the instructions copied and saved differ:\n%s\n---\n%s", copied[1], instructions)
	}
	if copied[3] != ctsoReport {
		t.Errorf("the report copied and saved differ:\n%s\n---\n%s", copied[3], ctsoReport)
	}
	for _, want := range []struct{ what, text, says string }{
		{"the fix copied from the result", copied[0], "To finish connecting Microsoft Teams Direct Routing service prose-1"},
		{"the saved instructions", instructions, "AADSTS53003"},
		{"the saved report of the parked service", proseReport, "| Client secret | " + prose.Secret[:3] + `\*\*\*\*`},
		{"the saved report of the healthy service", ctsoReport, "## Last validation: ✓ passed"},
	} {
		if !strings.Contains(want.text, want.says) {
			t.Errorf("%s lacks %q:\n%s", want.what, want.says, want.text)
		}
	}
	for i, text := range append(copied, instructions, proseReport, ctsoReport) {
		noSecret(t, "handed-over text "+strconv.Itoa(i), text, contoso.Secret, prose.Secret)
	}
	noSecret(t, "the terminal output", term.String(), contoso.Secret, prose.Secret)
}

type brokenTerm struct{}

func (brokenTerm) Write([]byte) (int, error) { return 0, errors.New("terminal gone") }

// A copy that could not be written says so as a failure, not as a copy.
func TestCopyThatFailsIsAFailure(t *testing.T) {
	c := newCommon(Options{})
	c.term = brokenTerm{}
	msg, bad := c.copyText("the report", "text")
	if !bad || !strings.Contains(msg, "Could not copy the report: terminal gone") {
		t.Errorf("copyText = %q, %v", msg, bad)
	}
}
