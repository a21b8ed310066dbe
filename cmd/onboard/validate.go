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

	"onboard/tenant"
	"onboard/tenant/present"
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
finished and exits 130. Services pending authentication (no App
registration yet) are skipped by --all. Progress (done/total, rate, ETA) goes to stderr
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
	if all {
		names = nil
	}
	return a.withCases(func(c *usecase.Cases) error {
		// Reports are recorded as they arrive, each write taking whatever
		// has finished meanwhile (usecase.ValidateAll). On ctrl+c no more
		// validations start and those cut short are not recorded;
		// everything delivered is recorded before it returns.
		var (
			recorded  []usecase.Validated
			recordErr []error
		)
		var prog *progress
		started := a.now()
		res, err := c.ValidateAll(a.ctx, names, concurrency, func(batch []usecase.Validated, total int) {
			if prog == nil {
				prog = newProgress(a.stderr, total, a.now)
				prog.start = started
			}
			prog.step(len(batch))
			for _, v := range batch {
				if v.Err != nil {
					recordErr = append(recordErr, v.Err)
					continue
				}
				recorded = append(recorded, v)
			}
		})
		if err != nil {
			return serviceListError(err)
		}
		if prog != nil {
			prog.finish()
		}
		if len(res.Pending) > 0 {
			fmt.Fprintf(a.stderr, "onboard: skipped %d service(s) pending authentication (no App registration yet): %s\n", len(res.Pending), strings.Join(res.Pending, ", "))
		}
		a.warnUnreadable(res.Unreadable)
		if res.Total == 0 {
			if !asJSON {
				fmt.Fprintln(a.stdout, "No services with credentials to validate.")
				return nil
			}
			return writeJSON(a.stdout, []present.ServiceJSON{})
		}
		sort.Slice(recorded, func(i, j int) bool {
			return tenant.NameKey(recorded[i].Service.Name) < tenant.NameKey(recorded[j].Service.Name)
		})
		clock := present.NewClock(a.now())
		if asJSON {
			svcs := make([]tenant.Service, len(recorded))
			for i, r := range recorded {
				svcs[i] = r.Service
			}
			if err := writeJSON(a.stdout, servicesJSON(svcs, clock)); err != nil {
				return err
			}
		} else if len(recorded) > 0 {
			tw := table(a.stdout)
			fmt.Fprintln(tw, "NAME\tSTATUS\tTENANT\tDAYS LEFT\tSUMMARY")
			for _, r := range recorded {
				days, _ := present.Days(r.Service.Expiry(clock.Now))
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Service.Name, r.Report.Status, present.Or(r.Report.TenantName), days, present.Headline(r.Report))
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
			return interruptedf("interrupted: %d of %d validations recorded, %d not run or cut short (what was recorded stays)", res.Recorded, res.Total, res.Total-res.Recorded)
		case res.NotRecorded > 0:
			return failedf("%d report(s) could not be recorded", res.NotRecorded)
		case res.Failed > 0:
			return failedf("%d of %d validations failed", res.Failed, res.Total)
		}
		return nil
	})
}

// serviceListError words what stopped ValidateAll before it began: an
// unknown or pending service named is bad input.
func serviceListError(err error) error {
	if errors.Is(err, usecase.ErrNotFound) {
		return usagef("%v (see `onboard services list`)", err)
	}
	return storeError("read the services to validate", err)
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
