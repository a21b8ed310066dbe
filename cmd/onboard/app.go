package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"onboard/store/bolt"
	"onboard/store/postgres"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/usecase"
)

// Exit codes of docs/cli.md, so scripts and cron jobs can tell a failed
// validation from a typo in their own command line.
const (
	exitOK     = 0
	exitFailed = 1 // a validation or an operation failed
	exitUsage  = 2 // bad input or usage, rejected before any network call
	// exitInterrupted is what shells expect of a program ended by ctrl+c
	// (128 + SIGINT); what was recorded before stays recorded.
	exitInterrupted = 130
)

// exitError carries the exit code an error should end the process with.
// Every error a command returns goes through classify, so the code is
// decided in one place.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usagef is bad input or usage: exit 2.
func usagef(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// failedf is a validation or operation that failed: exit 1.
func failedf(format string, args ...any) error {
	return &exitError{code: exitFailed, err: fmt.Errorf(format, args...)}
}

// interruptedf is work stopped by ctrl+c: exit 130.
func interruptedf(format string, args ...any) error {
	return &exitError{code: exitInterrupted, err: fmt.Errorf(format, args...)}
}

// silentFailure ends with exit 1 without a message of its own: the command
// already said what failed (a report, a list of expiring secrets).
var silentFailure = &exitError{code: exitFailed, err: errors.New("")}

// classify gives an error from a command its exit code: broken input rules
// (including uniqueness, which the store judges) are bad input, anything
// else is a failed operation.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	if tenant.IsRuleError(err) || errors.Is(err, usecase.ErrExists) {
		return &exitError{code: exitUsage, err: err}
	}
	return &exitError{code: exitFailed, err: err}
}

// app is one invocation of onboard: its streams, environment and the
// resolved global flags.
type app struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	// global flags as given; resolve folds the environment in.
	dbPath        string
	dbGiven       bool
	cloud         string
	authorityHost string
	graphURL      string
	sbcDomain     string
	timeout       time.Duration
	demo          bool
	demoLatency   time.Duration
	noCache       bool
	// signInClientID is the public client the customer's admin signs in
	// to when onboard creates an App registration (createapp.go).
	signInClientID string

	val     *entra.Validator
	creator usecase.AppCreator
}

// run is main without the process: tests call it in-process with their
// own arguments and streams. It returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first ctrl+c asks for a clean stop; once it has, the default
	// handling is back, so a second one ends the process at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	a := &app{
		ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr,
		getenv: os.Getenv, now: time.Now,
	}
	root := a.rootCommand()
	if len(args) > 0 {
		args = args[1:]
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	code := exitUsage // an error cobra raised itself (flags, arguments, unknown command) is usage
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	var rules tenant.Rules
	switch msg := err.Error(); {
	case errors.As(err, &rules):
		// Every broken rule on its own line, each saying which.
		for _, r := range rules {
			fmt.Fprintf(stderr, "onboard: %s\n", r.Rule)
		}
	case msg != "":
		fmt.Fprintf(stderr, "onboard: %s\n", msg)
	}
	if ee == nil && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// Environment variables of the global flags (docs/cli.md). A flag given on the
// command line wins over its variable.
const (
	envDB            = "ONBOARD_DB"
	envCloud         = "ONBOARD_CLOUD"
	envAuthorityHost = "ONBOARD_AUTHORITY_HOST"
	envGraphURL      = "ONBOARD_GRAPH_URL"
	envTimeout       = "ONBOARD_TIMEOUT"
	envSBCDomain     = "ONBOARD_SBC_DOMAIN"
)

// resolve folds the environment into the global flags and checks them, so
// that bad settings are rejected (exit 2) before the database is opened or
// the network is touched.
func (a *app) resolve(cmd *cobra.Command) error {
	flags := cmd.Flags()
	fromEnv := func(flag, env string, dst *string) {
		if !flags.Changed(flag) {
			if v := a.getenv(env); v != "" {
				*dst = v
			}
		}
	}
	// --demo uses a database only when --db names it on the command line:
	// ONBOARD_DB (the engineer's real inventory) never gets sample data.
	a.dbGiven = flags.Changed("db")
	fromEnv("db", envDB, &a.dbPath)
	fromEnv("cloud", envCloud, &a.cloud)
	fromEnv("authority-host", envAuthorityHost, &a.authorityHost)
	fromEnv("graph-url", envGraphURL, &a.graphURL)
	fromEnv("sbc-domain", envSBCDomain, &a.sbcDomain)
	if !flags.Changed("timeout") {
		if v := a.getenv(envTimeout); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return usagef("%s must be a duration such as 20s or 1m (got %q)", envTimeout, v)
			}
			a.timeout = d
		}
	}
	if a.timeout <= 0 {
		return usagef("the timeout must be a positive duration such as 20s (got %s)", a.timeout)
	}
	cloud, err := tenant.ParseCloud(a.cloud)
	if err != nil {
		return err
	}
	cacheDir, err := a.cacheDir(cmd)
	if err != nil {
		return err
	}
	// HTTPClient stays nil: the validator's shared client trusts the
	// system's roots, SSL_CERT_FILE included, and honours HTTPS_PROXY.
	// The validator owns the endpoint rules (https only, no path on the
	// authority host); building it here applies them before any command
	// touches the database or the network.
	a.val, err = entra.NewValidator(entra.Config{
		Cloud:         cloud,
		AuthorityHost: a.authorityHost,
		GraphURL:      a.graphURL,
		SBCDomain:     a.sbcDomain,
		Timeout:       a.timeout,
		Now:           a.now,
		CacheDir:      cacheDir,
	})
	if err != nil {
		var re *tenant.RuleError
		if errors.As(err, &re) {
			switch re.Field {
			case "authority host":
				return usagef("--authority-host (%s): %s", envAuthorityHost, re.Rule)
			case "Graph URL":
				return usagef("--graph-url (%s): %s", envGraphURL, re.Rule)
			case "SBC domain":
				return usagef("--sbc-domain (%s): %s", envSBCDomain, re.Rule)
			}
			return err
		}
		return failedf("set up validation: %w", err)
	}
	return a.resolveSignIn(cmd)
}

// dbFile is the database: --db, else ONBOARD_DB (a bbolt file's path or a
// postgres:// URL), else the bbolt file in the user's data directory.
func (a *app) dbFile() (string, error) {
	if a.dbPath != "" {
		return a.dbPath, nil
	}
	p, err := bolt.DefaultPath()
	if err != nil {
		return "", failedf("find the default database path (set --db or %s): %w", envDB, err)
	}
	return p, nil
}

// envEngineer names who acts, for the audit trail; else the OS user.
const envEngineer = "ONBOARD_ENGINEER"

// actor is who runs this command, from where.
func (a *app) actor() usecase.Actor {
	who := a.getenv(envEngineer)
	if who == "" {
		if u, err := user.Current(); err == nil {
			who = u.Username
		}
	}
	host, _ := os.Hostname()
	return usecase.ActorOf(who, host)
}

// openStore opens the database with its sealing key and turns the store's
// failure modes into sentences an engineer can act on.
func (a *app) openStore() (usecase.Store, error) {
	return a.openStoreWith(nil)
}

// openStoreWith opens the database; older are keys the secrets may still
// be sealed with (a rotation: the current key is then the new one).
func (a *app) openStoreWith(ring *seal.Keyring) (usecase.Store, error) {
	where, err := a.dbFile()
	if err != nil {
		return nil, err
	}
	created := ""
	if ring == nil {
		key, err := a.loadKey(where)
		if err != nil {
			return nil, err
		}
		ring, created = seal.NewKeyring(key.Key), key.Created
	}
	if postgres.IsURL(where) {
		st, err := postgres.Open(a.ctx, where, postgres.Options{Keys: ring, Actor: a.actor(), Now: a.now})
		if err != nil {
			if created != "" {
				_ = os.Remove(created) // never a new key beside secrets sealed with another
			}
			return nil, storeError("open the team database "+postgres.Redact(where), err)
		}
		return st, nil
	}
	// A key file just created for a bbolt file is removed again when the
	// file turns out to need another key.
	st, err := bolt.Open(where, bolt.Options{Keys: ring, CreatedKeyFile: created, Actor: a.actor(), Now: a.now})
	if err != nil {
		return nil, storeError("open the database "+where, err)
	}
	return st, nil
}

// loadKey finds the sealing key for the database at where: ONBOARD_KEY,
// ONBOARD_KEY_FILE, else the key file beside a bbolt file (for a team
// database, beside the default bbolt file of this machine).
func (a *app) loadKey(where string) (seal.Loaded, error) {
	dir := filepath.Dir(where)
	if postgres.IsURL(where) {
		p, err := bolt.DefaultPath()
		if err != nil {
			return seal.Loaded{}, failedf("find the default key file (set %s or %s): %w", seal.EnvKey, seal.EnvKeyFile, err)
		}
		dir = filepath.Dir(p)
	}
	key, err := seal.Load(seal.Source{DefaultFile: filepath.Join(dir, seal.KeyFileName), Getenv: a.getenv})
	if err != nil {
		return seal.Loaded{}, storeError("load the sealing key", err)
	}
	return key, nil
}

// withCases runs fn with the database open and the use cases over it, and
// closes the database after: a command holds it only while it works.
func (a *app) withCases(fn func(*usecase.Cases) error) error {
	st, err := a.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(a.cases(st))
}

// cases are the use cases over st and the command's validator.
func (a *app) cases(st usecase.Store) *usecase.Cases {
	return usecase.New(st, a.val, usecase.Options{Now: a.now, Actor: a.actor(), Creator: a.creator})
}

// serviceError words a store error about the service called name: an
// unknown name is bad input (exit 2), anything else a failed operation.
func serviceError(doing, name string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, usecase.ErrNotFound):
		return usagef("there is no service named %q (see `onboard services list`)", name)
	}
	return storeError(fmt.Sprintf("%s service %q", doing, name), err)
}

// storeError turns a store error into a failure. For the kinds an
// engineer must act on (database in use, damaged, newer schema, key file
// permissions, bad or wrong key) the store's message already names the
// file or service and the fix, so it is shown as is; anything else gets
// what was being done in front of it. Broken rules stay bad input.
func storeError(doing string, err error) error {
	switch {
	case tenant.IsRuleError(err):
		return err
	case errors.Is(err, usecase.ErrNewerSchema):
		return failedf("%w (this is onboard %s)", err, version())
	case errors.Is(err, usecase.ErrInUse), errors.Is(err, usecase.ErrDamaged), errors.Is(err, seal.ErrKeyPermissions),
		errors.Is(err, seal.ErrBadKey), errors.Is(err, seal.ErrWrongKey), errors.Is(err, usecase.ErrCannotUnseal),
		errors.Is(err, usecase.ErrStale), errors.Is(err, usecase.ErrUnavailable):
		return failedf("%w", err)
	}
	return failedf("%s: %w", doing, err)
}

// action wraps a command's work: the global flags are resolved first and
// the error it returns gets its exit code.
func (a *app) action(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := a.resolve(cmd); err != nil {
			return classify(err)
		}
		return classify(fn(cmd, args))
	}
}
