package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/tenant/entra/entratest"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// interruptWhen runs onboard with args and stdin in a child process,
// sends it ctrl+c (SIGINT) once ready says so, and returns what it left
// behind; the run must end by exiting, never by the signal.
func (w *world) interruptWhen(t *testing.T, ready func() bool, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = w.env()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !entratest.Eventually(60*time.Second, ready) {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("onboard %s never got there:\n%s\n%s", strings.Join(args, " "), stdout.String(), stderr.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	r := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		t.Fatalf("onboard %s was killed by the signal instead of exiting:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// ctrl+c while services add validates: exit 130 (docs/cli.md), the
// service not saved.
func TestCtrlCWhileAddValidates(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	w.srv.ResetCounts()
	w.srv.SetLatency(time.Second)
	r := w.interruptWhen(t, func() bool { return w.networkCalls() > 0 }, fxHealthy.secret+"\n", addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	if r.code != 130 || !strings.Contains(r.stderr, "onboard: interrupted while validating: service CONTOSO01 was not saved") {
		t.Errorf("want exit 130 saying nothing was saved:\n%s", r)
	}
	w.withStore(t, func(st usecase.Store) {
		if _, err := st.GetService("CONTOSO01"); err == nil {
			t.Error("an interrupted add saved the service")
		}
	})
}

// ctrl+c once services add --create-app has created the App
// registration: what was created is listed and removed, exit 130
// (docs/cli.md), nothing saved. The signal goes while the third Graph
// request (the app's service principal) waits out its latency: the
// application's own request has been answered.
func TestCtrlCWhileCreatingTheApp(t *testing.T) {
	w := newWorld(t, signInDirectory(time.Now(), false))
	w.must(t, 0, "", "customers", "add", "Tailwind")
	w.srv.ResetCounts()
	w.srv.SetLatency(300 * time.Millisecond)
	created := func() bool { return len(appsOf(w, "Tailwind")) > 0 }
	ready := func() bool { return w.srv.Count(entrasim.KindGraph) >= 3 }
	r := w.interruptWhen(t, ready, "", createArgs("Tailwind", "tw-dr1", "tailwindtraders.onmicrosoft.com")...)
	for _, want := range []string{"Created in the customer's tenant:", "Removed:", "onboard: interrupted: service tw-dr1 was not saved"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r)
		}
	}
	if r.code != 130 {
		t.Errorf("want exit 130, got %d", r.code)
	}
	if created() {
		t.Errorf("the App registration was left in the tenant: %+v", appsOf(w, "Tailwind"))
	}
	w.withStore(t, func(st usecase.Store) {
		if _, err := st.GetService("tw-dr1"); err == nil {
			t.Error("an interrupted creation saved the service")
		}
	})
}
