package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"onboard/tenant/entra/entratest"
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

// TestCtrlCEndsTheAccessibleWizardCleanly: ctrl+c ends the accessible
// mode at once, with exit 130 as shells expect of an interrupted program
// and nothing on stderr (not "context canceled" and exit 1).
func TestCtrlCEndsTheAccessibleWizardCleanly(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	cmd := exec.Command(binPath, "--demo")
	cmd.Env = append(w.env(), "ACCESSIBLE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr entratest.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if !entratest.Eventually(60*time.Second, func() bool { return strings.Contains(stdout.String(), "Main menu") }) {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the menu never came:\n%s\n%s", stdout.String(), stderr.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// The prompt is waiting for a line that never comes: the cancel alone
	// must end the session.
	waited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatalf("ctrl+c did not end the accessible wizard:\n%s", stdout.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || stderr.String() != "" {
		t.Fatalf("want a quiet exit 130 after ctrl+c, as shells expect, got %d:\n%s", code, stderr.String())
	}
}
