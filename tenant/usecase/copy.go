package usecase

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"onboard/tenant"
)

// ActionServiceCopied is the audit trail's action for a service copied
// from another database (`onboard db copy`).
const ActionServiceCopied = "service copied"

// DescribeCopied is the detail of a service copied with its history.
func DescribeCopied(s tenant.Service, reports int) string {
	return fmt.Sprintf("%s; copied with %d validation report(s)", DescribeService(s), reports)
}

// LastIndex is the index in history (newest first) of the last
// validation: the entry equal to last, else the newest that is not an
// attempt; -1 when there is none.
func LastIndex(history []tenant.ValidationReport, last *tenant.ValidationReport) int {
	if last == nil {
		return -1
	}
	for i, r := range history {
		if r.At.Equal(last.At) && r.Trigger == last.Trigger && r.Status == last.Status && r.SecretHint == last.SecretHint {
			return i
		}
	}
	for i, r := range history {
		if r.Trigger != tenant.TriggerAttempt {
			return i
		}
	}
	return -1
}

// CopyOptions tune CopyInventory.
type CopyOptions struct {
	// BatchSize is how many services one write of the target takes (0: 200).
	BatchSize int
	// Progress, when set, is called after each batch with the services
	// looked at so far and their total.
	Progress func(done, total int)
}

// CopyResult is what CopyInventory did, by name.
type CopyResult struct {
	// CustomersCopied are the customers the target did not have.
	CustomersCopied []string
	// Copied are the services copied, with their secrets and histories.
	Copied []string
	// Skipped are the services the target already had, the same in every
	// plain field: nothing to do.
	Skipped []string
	// Refused are the services that could not be copied: a different
	// service of the same name in the target, a secret the source's key
	// cannot open, a write that failed. A re-run tries them again.
	Refused []Refusal
}

// Refusal is a service not copied, and why.
type Refusal struct {
	Name string
	Err  error
}

func (r Refusal) String() string { return r.Name + ": " + r.Err.Error() }

// ErrDifferent is the kind of a refusal: the target has a different
// service of the same name.
var ErrDifferent = errors.New("a different service of the same name exists")

// CopyInventory copies a database's customers and services, each with its
// secret and whole validation history, into another (`onboard db copy`:
// a laptop's bbolt file into the team's PostgreSQL). Each secret is
// unsealed by the source's keys and sealed again by the target's. A name
// the target already has is compared by its plain fields (customer,
// license, users, tenant and app IDs, secret hint), never by ciphertext:
// the same service is skipped, a different one refused (ErrDifferent) and
// reported. A re-run copies nothing that was copied.
//
// The target writes through its Importer (a batch per transaction, one
// audit entry per service); a target without one is refused before
// anything is written. Otherwise an error is returned only when the
// source or the target cannot be read at all; what was copied before stays.
func CopyInventory(ctx context.Context, from, to Store, opts CopyOptions) (CopyResult, error) {
	var res CopyResult
	imp, ok := to.(Importer)
	if !ok {
		return res, errors.New("the target database cannot import services")
	}
	size := opts.BatchSize
	if size <= 0 {
		size = 200
	}
	customers, err := from.ListCustomers()
	if err != nil {
		return res, fmt.Errorf("read the customers to copy: %w", err)
	}
	have, err := to.ListCustomers()
	if err != nil {
		return res, fmt.Errorf("read the target's customers: %w", err)
	}
	known := map[string]bool{}
	for _, c := range have {
		known[tenant.NameKey(c.Name)] = true
	}
	for _, c := range customers {
		if known[tenant.NameKey(c.Name)] {
			continue
		}
		if _, err := to.CreateCustomer(c.Name); err != nil && !errors.Is(err, ErrExists) {
			return res, fmt.Errorf("copy customer %s: %w", c.Name, err)
		} else if err == nil {
			res.CustomersCopied = append(res.CustomersCopied, c.Name)
		}
	}
	listing, err := from.ListServices()
	if err != nil {
		return res, fmt.Errorf("read the services to copy: %w", err)
	}
	for _, u := range listing.Unreadable {
		res.Refused = append(res.Refused, Refusal{Name: u.Name, Err: u.Err})
	}
	sums, err := to.ListSummaries()
	if err != nil {
		return res, fmt.Errorf("read the target's services: %w", err)
	}
	existing := make(map[string]tenant.Summary, len(sums))
	for _, s := range sums {
		existing[tenant.NameKey(s.Name)] = s
	}
	total := len(listing.Services)
	var batch []Imported
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		errs := imp.ImportServices(ctx, batch)
		for i, im := range batch {
			if errs[i] != nil {
				res.Refused = append(res.Refused, Refusal{Name: im.Service.Name, Err: errs[i]})
			} else {
				res.Copied = append(res.Copied, im.Service.Name)
			}
		}
		batch = batch[:0]
		return ctx.Err()
	}
	for i, svc := range listing.Services {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if sum, ok := existing[tenant.NameKey(svc.Name)]; ok {
			if diff := differences(svc, sum); diff != "" {
				res.Refused = append(res.Refused, Refusal{Name: svc.Name, Err: Errorf([]error{ErrDifferent},
					"the target already has a different service named %s (%s): rename one of them, then copy again", sum.Name, diff)})
			} else {
				res.Skipped = append(res.Skipped, svc.Name)
			}
			continue
		}
		history, err := from.History(svc.Name)
		if err != nil {
			res.Refused = append(res.Refused, Refusal{Name: svc.Name, Err: err})
			continue
		}
		batch = append(batch, Imported{Service: svc, History: history})
		if len(batch) >= size {
			if err := flush(); err != nil {
				return res, err
			}
			if opts.Progress != nil {
				opts.Progress(i+1, total)
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	if opts.Progress != nil {
		opts.Progress(total, total)
	}
	return res, nil
}

// differences names the plain fields in which a source service and the
// target's summary of the same name differ ("" when they are the same).
func differences(s tenant.Service, t tenant.Summary) string {
	var d []string
	diff := func(what, a, b string) {
		if a != b {
			d = append(d, fmt.Sprintf("%s %s here, %s there", what, orNone(a), orNone(b)))
		}
	}
	diff("customer", tenant.NameKey(s.Customer), tenant.NameKey(t.Customer))
	diff("license", string(s.License), string(t.License))
	diff("users", fmt.Sprint(s.Users), fmt.Sprint(t.Users))
	diff("tenant ID", strings.ToLower(s.App.TenantID), strings.ToLower(t.TenantID))
	diff("app ID", strings.ToLower(s.App.ClientID), strings.ToLower(t.ClientID))
	diff("secret", s.App.Secret.Masked(), t.SecretHint)
	return strings.Join(d, "; ")
}
