package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"onboard/store"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

const (
	defaultConcurrency = 16
	maxConcurrency     = 256
)

func (a *app) validateCommand() *cobra.Command {
	var (
		all         bool
		concurrency int
		asJSON      bool
	)
	c := &cobra.Command{
		Use:   "validate NAME... | --all",
		Short: "Re-run Validate Authentication for services and record every report",
		Long: `Re-run Validate Authentication (token, tenant facts, secret expiry, roles,
permissions, admin user) for the named services or for all of them, and
record each report in the service's history. Exits 1 if any validation
failed. Ctrl+C stops starting new validations, keeps every report already
finished and exits 1. Services pending authentication (no App registration
yet) are skipped by --all. Progress (done/total, rate, ETA) goes to stderr
when it is a terminal.`,
		Example: `  onboard validate CONTOSO01 FABRIKAM02
  onboard validate --all --concurrency 32 --json > reports.json`,
		ValidArgsFunction: a.completeServiceNames,
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return usagef("give service names or --all, not both")
			case !all && len(args) == 0:
				return usagef("name the services to validate, or pass --all")
			case concurrency < 1 || concurrency > maxConcurrency:
				return usagef("--concurrency must be between 1 and %d (got %d)", maxConcurrency, concurrency)
			}
			return a.validate(args, all, concurrency, asJSON)
		}),
	}
	f := c.Flags()
	f.BoolVar(&all, "all", false, "validate every service that has credentials")
	f.IntVar(&concurrency, "concurrency", defaultConcurrency, "validations in flight at once (1–256)")
	f.BoolVar(&asJSON, "json", false, "print the validated services as JSON")
	return c
}

func (a *app) validate(names []string, all bool, concurrency int, asJSON bool) error {
	st, err := a.openStore()
	if err != nil {
		return err
	}
	defer st.Close()

	// Resolve every name before the first network call: a typo is exit 2
	// with nothing validated.
	var services []tenant.Service
	if all {
		list, err := listServices(st)
		if err != nil {
			return err
		}
		var pending []string
		for _, s := range list {
			if s.HasCredentials() {
				services = append(services, s)
			} else {
				pending = append(pending, s.Name)
			}
		}
		if len(pending) > 0 {
			fmt.Fprintf(a.stderr, "onboard: skipped %d service(s) pending authentication (no App registration yet): %s\n", len(pending), strings.Join(pending, ", "))
		}
	} else {
		seen := map[string]bool{}
		for _, n := range names {
			s, err := getService(st, n)
			if err != nil {
				return err
			}
			if seen[tenant.NameKey(s.Name)] {
				continue
			}
			seen[tenant.NameKey(s.Name)] = true
			if !s.HasCredentials() {
				return usagef("service %s is pending authentication: it has no App registration credentials to validate yet", s.Name)
			}
			services = append(services, s)
		}
	}
	if len(services) == 0 {
		if !asJSON {
			fmt.Fprintln(a.stdout, "No services with credentials to validate.")
			return nil
		}
		return writeJSON(a.stdout, []serviceView{})
	}

	// Reports are recorded as they arrive, each write taking whatever has
	// finished meanwhile: one transaction (one fsync, ~12 ms) per batch
	// instead of per report, and the validations never wait for the disk.
	// On ctrl+c no more validations start and those cut short are not
	// delivered (their failure would say nothing about the credentials);
	// everything delivered is recorded before this returns.
	var (
		recorded  []usecase.Validated
		recordErr []error
	)
	prog := newProgress(a.stderr, len(services), a.now)
	usecase.ValidateInBatches(a.ctx, a.val, services, concurrency, func(batch []usecase.Validated) {
		prog.step(len(batch))
		ok, errs := recordBatch(st, batch)
		recorded = append(recorded, ok...)
		recordErr = append(recordErr, errs...)
	})
	prog.finish()

	sort.Slice(recorded, func(i, j int) bool { return recorded[i].Service.Name < recorded[j].Service.Name })
	failed := 0
	for _, r := range recorded {
		if r.Report.Status == tenant.StatusFail {
			failed++
		}
	}
	now := a.now()
	if asJSON {
		views := make([]serviceView, 0, len(recorded))
		for _, r := range recorded {
			views = append(views, viewOf(r.Service, now))
		}
		if err := writeJSON(a.stdout, views); err != nil {
			return err
		}
	} else if len(recorded) > 0 {
		tw := table(a.stdout)
		fmt.Fprintln(tw, "NAME\tSTATUS\tTENANT\tDAYS LEFT\tSUMMARY")
		for _, r := range recorded {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Service.Name, r.Report.Status, orDash(r.Report.TenantName), daysLeft(r.Service, now), summary(r.Report))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, err := range recordErr {
		fmt.Fprintf(a.stderr, "onboard: %v\n", err)
	}
	switch {
	case a.ctx.Err() != nil:
		return failedf("interrupted: %d of %d validations recorded, %d not run or cut short", len(recorded), len(services), len(services)-len(recorded))
	case len(recordErr) > 0:
		return failedf("%d report(s) could not be recorded", prog.done-len(recorded))
	case failed > 0:
		return failedf("%d of %d validations failed", failed, len(services))
	}
	return nil
}

// recordBatch records reports in one transaction and returns those
// recorded, folded into their services. A write failure records none. A
// service the store could not read (deleted since it was listed) is
// skipped while the others are recorded; the store's error does not say
// which entry it was, so the batch's services are looked up again: this
// happens only when the store has already said something went wrong.
func recordBatch(st *store.Store, batch []usecase.Validated) (recorded []usecase.Validated, errs []error) {
	entries := make([]store.Recorded, len(batch))
	for i, v := range batch {
		entries[i] = store.Recorded{Name: v.Service.Name, Report: *v.Report}
	}
	err := st.RecordValidations(entries)
	if err != nil {
		skipped, partial := err.(interface{ Unwrap() []error })
		if !partial {
			return nil, []error{fmt.Errorf("record %d report(s): %w", len(batch), err)}
		}
		errs = skipped.Unwrap()
	}
	for _, v := range batch {
		if err != nil {
			if _, gerr := st.GetService(v.Service.Name); gerr != nil && !errors.Is(gerr, store.ErrCannotUnseal) {
				continue
			}
		}
		v.Service.Apply(v.Report)
		recorded = append(recorded, v)
	}
	return recorded, errs
}

// isTerminal reports whether w is a terminal a person is watching.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// progress is the done/total, rate and ETA line of a bulk validation. It
// draws only on a terminal: a log file or a pipe gets the result alone.
type progress struct {
	w     io.Writer
	total int
	done  int
	now   func() time.Time
	start time.Time
	drawn time.Time
}

func newProgress(w io.Writer, total int, now func() time.Time) *progress {
	p := &progress{total: total, now: now, start: now()}
	if isTerminal(w) {
		p.w = w
	}
	return p
}

// step counts n more validations done.
func (p *progress) step(n int) {
	p.done += n
	if p.w == nil {
		return
	}
	t := p.now()
	if t.Sub(p.drawn) < 100*time.Millisecond && p.done < p.total {
		return
	}
	p.drawn = t
	fmt.Fprintf(p.w, "\r\033[K%s", progressLine(p.done, p.total, t.Sub(p.start)))
}

func (p *progress) finish() {
	if p.w != nil && p.done > 0 {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// progressLine is "validated 120/500 · 31.2/s · ETA 12s".
func progressLine(done, total int, elapsed time.Duration) string {
	line := fmt.Sprintf("validated %d/%d", done, total)
	if done == 0 || elapsed <= 0 {
		return line
	}
	rate := float64(done) / elapsed.Seconds()
	eta := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
	return fmt.Sprintf("%s · %.1f/s · ETA %s", line, rate, eta)
}
