//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"onboard/tenant/entra/entratest"
	"onboard/tenant/usecase"
)

// openPTY opens a pseudo-terminal pair: what the child gets as a terminal
// (tty) and the test's end of it (master).
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// TestSecretPromptFromTerminalDoesNotEcho types the secret into a terminal
// the way an engineer would: the prompt is on stderr, the terminal's echo is
// off while the secret is read, and the service is saved with it.
func TestSecretPromptFromTerminalDoesNotEcho(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	w.must(t, 0, "", "customers", "add", "Contoso Ltd")
	master, tty := openPTY(t)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, addArgs("Contoso Ltd", "CONTOSO01", fxHealthy)...)
	cmd.Env = w.env()
	var stdout bytes.Buffer
	screen := &entratest.Buffer{}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &stdout, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go io.Copy(screen, master)

	// Type only once the child has turned echo off, as a person would
	// after seeing the prompt.
	for {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if tio.Lflag&unix.ECHO == 0 && strings.Contains(screen.String(), "Client secret") {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no prompt with echo off; screen so far: %q", screen.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := master.Write([]byte(fxHealthy.secret + "\r")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("services add from a terminal: %v\n%s\n%s", err, stdout.String(), screen.String())
	}
	if strings.Contains(screen.String(), fxHealthy.secret[3:]) || strings.Contains(stdout.String(), fxHealthy.secret[3:]) {
		t.Errorf("the secret was echoed:\n%q", screen.String())
	}
	if tio, _ := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); tio.Lflag&unix.ECHO == 0 {
		t.Error("echo was left off")
	}
	w.withStore(t, func(st usecase.Store) {
		s, err := st.GetService("CONTOSO01")
		if err != nil || s.App.Secret.Reveal() != fxHealthy.secret {
			t.Errorf("the typed secret was not the one saved (%v)", err)
		}
	})
}

// TestValidateAllProgressOnlyOnTerminal: with stderr a terminal, bulk
// validation draws done/total, rate and ETA; redirected, it stays silent.
func TestValidateAllProgressOnlyOnTerminal(t *testing.T) {
	d, fx := bulkDirectory(12, time.Now())
	w := newWorld(t, d)
	w.seedBulk(t, fx)
	master, tty := openPTY(t)

	cmd := exec.Command(binPath, "validate", "--all", "--concurrency", "4")
	cmd.Env = w.env()
	var stdout bytes.Buffer
	screen := &entratest.Buffer{}
	cmd.Stdout, cmd.Stderr = &stdout, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { io.Copy(screen, master); close(done) }()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("validate --all: %v\n%s", err, screen.String())
	}
	tty.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	out := screen.String()
	if !strings.Contains(out, "validated 12/12") || !strings.Contains(out, "/s · ETA") {
		t.Errorf("no progress line on the terminal: %q", out)
	}
	if strings.Contains(stdout.String(), "validated ") {
		t.Errorf("progress leaked into stdout: %q", stdout.String())
	}

	r := w.must(t, 0, "", "validate", "--all")
	if strings.Contains(r.stderr, "validated ") {
		t.Errorf("progress written to a redirected stderr: %q", r.stderr)
	}
}

// waitForPrompt waits until the child turned the terminal's echo off and
// the prompt is on the screen, as a person would before typing.
func waitForPrompt(t *testing.T, ctx context.Context, tty *os.File, screen *entratest.Buffer, prompt string) {
	t.Helper()
	deadline, _ := ctx.Deadline()
	if !entratest.Eventually(time.Until(deadline), func() bool {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		return err == nil && tio.Lflag&unix.ECHO == 0 && strings.Contains(screen.String(), prompt)
	}) {
		t.Fatalf("no %q prompt with echo off; screen so far: %q", prompt, screen.String())
	}
}

// TestCtrlCAtTheHiddenSecretPrompt: one ctrl+c at the hidden secret prompt
// ends at once with exit 130; nothing typed before or after it is taken as
// the secret, nothing is saved, and the echo is back on. Both the command
// and the accessible wizard read it (the terminal is the child's
// controlling terminal, so ctrl+c is a signal, as in a shell).
func TestCtrlCAtTheHiddenSecretPrompt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		env    []string
		before string // typed to reach the secret prompt
		prompt string
	}{
		{name: "services add", args: addArgs("Contoso Ltd", "CONTOSO01", fxHealthy), prompt: "Client secret"},
		{name: "accessible wizard", env: []string{"ACCESSIBLE=1"},
			// Add service, customer Contoso Ltd, short name, full name, license, users, known app, tenant, app.
			before: "1\r2\rCONTOSO02\r\r1\r5\ry\r" + fxHealthy.domain + "\r" + fxHealthy.clientID + "\r",
			prompt: "Client secret (its Value)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, testDirectory(time.Now()))
			w.must(t, 0, "", "customers", "add", "Contoso Ltd")
			master, tty := openPTY(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, binPath, tc.args...)
			cmd.Env = append(w.env(), tc.env...)
			screen := &entratest.Buffer{}
			cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go io.Copy(screen, master)
			for _, line := range strings.SplitAfter(tc.before, "\r") {
				if line == "" {
					continue
				}
				time.Sleep(150 * time.Millisecond) // a prompt at a time, as typed
				if _, err := master.Write([]byte(line)); err != nil {
					t.Fatal(err)
				}
			}
			waitForPrompt(t, ctx, tty, screen, tc.prompt)
			// Half a secret, ctrl+c, then the rest and Enter: none of it
			// may be used.
			if _, err := master.Write([]byte(fxHealthy.secret[:10] + "\x03")); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			_, _ = master.Write([]byte(fxHealthy.secret[10:] + "\r"))
			err := cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Fatalf("exit %d (%v) after one ctrl+c at the secret prompt, want 130:\n%s", code, err, screen.String())
			}
			if strings.Contains(screen.String(), fxHealthy.secret[3:10]) {
				t.Errorf("the half-typed secret was echoed:\n%q", screen.String())
			}
			if tio, _ := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); tio.Lflag&unix.ECHO == 0 {
				t.Error("echo was left off")
			}
			if n := w.networkCalls(); n != 0 {
				t.Errorf("%d requests made after ctrl+c", n)
			}
			w.withStore(t, func(st usecase.Store) {
				if sums, _ := st.ListSummaries(); len(sums) != 0 {
					t.Errorf("%d services saved after ctrl+c", len(sums))
				}
			})
		})
	}
}

// TestWizardFollowsTheTerminalSize runs the full-screen wizard on a 60x20
// terminal: it must draw for that size (the help line then offers "? more
// keys"), not for a default 80x24.
func TestWizardFollowsTheTerminalSize(t *testing.T) {
	w := newWorld(t, testDirectory(time.Now()))
	master, tty := openPTY(t)
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 20, Col: 60}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, "--demo")
	cmd.Env = append(w.env(), "TERM=xterm-256color")
	screen := &entratest.Buffer{}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go io.Copy(screen, master)
	if !entratest.Eventually(50*time.Second, func() bool { return strings.Contains(screen.String(), "more keys") }) {
		t.Fatalf("the wizard did not draw for a 60-column terminal:\n%q", screen.String())
	}
	_, _ = master.Write([]byte("q"))
	if err := cmd.Wait(); err != nil {
		t.Fatalf("q: %v", err)
	}
}
