package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

const defaultWithin = 30

// expiringView is `expiring --json`: the two lists a cron job alerts on.
type expiringView struct {
	Within   int                   `json:"within"`
	Expiring []present.ServiceJSON `json:"expiring"`
	Unknown  []present.ServiceJSON `json:"unknown"`
}

func (a *app) expiringCommand() *cobra.Command {
	var (
		within int
		asJSON bool
	)
	c := &cobra.Command{
		Use:   "expiring",
		Short: "List services whose client secret expires soon, or whose expiry is unknown",
		Long: `List the services whose client secret expires within DAYS days (already
expired ones included) and, separately, those whose expiry is unknown (Graph
could not read it and no date was typed). Exits 1 when any are found, so a
cron job can alert; 0 when none are.`,
		Example: `  onboard expiring
  onboard expiring --within 14 --json || mail -s "onboard: secrets expiring" support@example.com`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			if within < 0 {
				return usagef("--within must be zero or more days (got %d)", within)
			}
			return a.expiring(within, asJSON)
		}),
	}
	c.Flags().IntVar(&within, "within", defaultWithin, "days ahead to look")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func (a *app) expiring(within int, asJSON bool) error {
	clock := present.NewClock(a.now())
	return a.withCases(func(c *usecase.Cases) error {
		expiring, unknown, err := c.Expiring(within)
		if err != nil {
			return storeError("read the services", err)
		}
		if asJSON {
			// JSON carries whole records, as services show --json does.
			v := expiringView{Within: within, Expiring: []present.ServiceJSON{}, Unknown: []present.ServiceJSON{}}
			for _, list := range []struct {
				sums []tenant.Summary
				dst  *[]present.ServiceJSON
			}{{expiring, &v.Expiring}, {unknown, &v.Unknown}} {
				for _, s := range list.sums {
					svc, err := c.Store().GetService(s.Name)
					if err != nil {
						a.warnUnreadable([]usecase.Unreadable{{Name: s.Name, Err: err}})
						continue
					}
					*list.dst = append(*list.dst, present.JSONOf(svc, clock))
				}
			}
			if err := writeJSON(a.stdout, v); err != nil {
				return err
			}
		} else if err := printExpiring(a.stdout, within, expiring, unknown, clock); err != nil {
			return err
		}
		if len(expiring) > 0 || len(unknown) > 0 {
			return silentFailure
		}
		return nil
	})
}

func printExpiring(w io.Writer, within int, expiring, unknown []tenant.Summary, c present.Clock) error {
	if len(expiring) == 0 && len(unknown) == 0 {
		fmt.Fprintf(w, "No client secret expires within %d days, and every expiry is known.\n", within)
		return nil
	}
	if len(expiring) > 0 {
		fmt.Fprintf(w, "Client secrets expiring within %d days:\n", within)
		tw := table(w)
		fmt.Fprintln(tw, "NAME\tCUSTOMER\tEXPIRES\tDAYS LEFT\tADMIN")
		for _, s := range expiring {
			r := present.ListRowOf(s, c)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Customer, r.Expires, r.Days, present.Or(s.AdminUser))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "No client secret expires within %d days.\n", within)
	}
	if len(unknown) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Client secret expiry unknown (grant Application.Read.All and re-validate, or type the date from the Entra admin center in the wizard):")
		tw := table(w)
		fmt.Fprintln(tw, "NAME\tCUSTOMER\tLAST VALIDATION")
		for _, s := range unknown {
			r := present.ListRowOf(s, c)
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Customer, lastCell(r))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}
