package main

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"onboard/store/bolt"
	"onboard/store/seal"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
	"onboard/wizard"
)

// runTUI is `onboard` without a command: the wizard on the real database,
// or with --demo on a throw-away one against the simulated directory.
func (a *app) runTUI(cmd *cobra.Command, args []string) error {
	switch {
	case a.demoLatency < 0:
		return usagef("--demo-latency must not be negative (got %s)", a.demoLatency)
	case a.demoLatency > 0 && !a.demo:
		return usagef("--demo-latency goes with --demo")
	case a.demo:
		return a.runDemo()
	}
	return a.withCases(func(c *usecase.Cases) error {
		return a.runWizard(wizard.Options{Cases: c})
	})
}

// runDemo builds everything --demo needs and removes it on the way out:
// the simulated Entra ID and Graph on loopback and, unless --db names a
// database (two engineers can then try a team database together; never
// ONBOARD_DB, the engineer's real inventory), a temporary one sealed with
// a random key never written down.
func (a *app) runDemo() error {
	var st usecase.Store
	if a.dbGiven {
		var err error
		if st, err = a.openStore(); err != nil {
			return err
		}
	} else {
		dir, err := os.MkdirTemp("", "onboard-demo-")
		if err != nil {
			return failedf("create the demo's temporary directory: %w", err)
		}
		defer os.RemoveAll(dir)
		raw := make([]byte, seal.KeySize)
		if _, err := rand.Read(raw); err != nil {
			return failedf("make the demo database key: %w", err)
		}
		key, err := seal.NewKey(raw, "the demo's key")
		if err != nil {
			return failedf("make the demo database key: %w", err)
		}
		path := filepath.Join(dir, "onboard.db")
		if st, err = bolt.Open(path, bolt.Options{Keys: seal.NewKeyring(key), Actor: a.actor(), Now: a.now}); err != nil {
			return storeError("open the demo database "+path, err)
		}
	}
	defer st.Close()

	now := a.now()
	srv, err := entrasim.Start(entrasim.Demo(now))
	if err != nil {
		return failedf("start the simulated directory: %w", err)
	}
	defer srv.Close()
	srv.SetLatency(a.demoLatency)
	v, err := entra.NewValidator(entra.Config{
		AuthorityHost: srv.AuthorityHost(),
		GraphURL:      srv.GraphURL(),
		HTTPClient:    srv.Client(),
		SBCDomain:     entrasim.DemoSBCDomain, // the demo tenants' outcomes are worded for it
		Timeout:       a.timeout,
		Now:           a.now,
	})
	if err != nil {
		return failedf("set up validation against the simulated directory: %w", err)
	}
	// The demo's admins sign in by themselves (entrasim.DemoSignIns), and
	// a new secret is refused once while it "replicates".
	cr, err := entra.NewCreator(v, a.signInClientID)
	if err != nil {
		return failedf("set up the admin sign-in against the simulated directory: %w", err)
	}
	srv.SetReplicationLag(1)
	var demo []wizard.DemoTenant
	for _, d := range append(entrasim.DemoTenants(now), entrasim.DemoSignIns(now)...) {
		demo = append(demo, wizard.DemoTenant(d))
	}
	return a.runWizard(wizard.Options{Cases: usecase.New(st, v, usecase.Options{Now: a.now, Actor: a.actor(), Creator: usecase.SignInWith(cr.SignIn)}), Demo: demo})
}

func (a *app) runWizard(opts wizard.Options) error {
	opts.Accessible = accessible(a.getenv)
	opts.Input = a.stdin
	opts.Output = a.stdout
	err := wizard.Run(a.ctx, opts)
	switch {
	case errors.Is(err, wizard.ErrInterrupted), err != nil && a.ctx.Err() != nil:
		// ctrl+c ended the session: exit 130, as shells expect, with
		// nothing more to say.
		return &exitError{code: exitInterrupted, err: errors.New("")}
	case err != nil:
		return failedf("wizard: %w", err)
	}
	return nil
}

// accessible is the plain, screen-reader friendly mode: asked for with
// ACCESSIBLE=1, or implied by a terminal that cannot draw (TERM=dumb).
func accessible(getenv func(string) string) bool {
	v := getenv("ACCESSIBLE")
	return (v != "" && v != "0" && v != "false") || getenv("TERM") == "dumb"
}
