package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"onboard/tenant/entrasim"
)

// TestDemoRunsAndCleansUp starts `onboard --demo` in the accessible
// (line-by-line) mode with stdin at end of file: the wizard shows the demo
// tenants from the simulated directory and ends, and the throw-away
// database directory is gone afterwards.
func TestDemoRunsAndCleansUp(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	tmp := t.TempDir()
	r := w.run(t, "", []string{"TMPDIR=" + tmp, "ACCESSIBLE=1"}, "--demo")
	if r.code != 0 {
		t.Fatalf("--demo: %s", r)
	}
	for _, d := range entrasim.DemoTenants(time.Now()) {
		if !strings.Contains(r.stdout, d.Label) {
			t.Errorf("the demo screen lacks %q", d.Label)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("--demo left %d entries in TMPDIR (%s…)", len(left), left[0].Name())
	}
	if fileExists(w.db) {
		t.Error("--demo touched the real database")
	}
	if n := w.networkCalls(); n != 0 {
		t.Errorf("--demo reached the configured directory (%d requests) instead of its own", n)
	}
}

// TestWizardOpensTheDatabase runs `onboard` without a command: the wizard
// on the database --db/ONBOARD_DB names (TERM=dumb selects the accessible
// mode, so it can run without a terminal).
func TestWizardOpensTheDatabase(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	r := w.run(t, "", nil)
	if r.code != 0 {
		t.Fatalf("onboard: %s", r)
	}
	if !fileExists(w.db) {
		t.Error("the wizard did not open ONBOARD_DB")
	}
	if r := w.run(t, "", nil, "stray"); r.code != 2 {
		t.Errorf("onboard with a stray argument: %s", r)
	}
}
