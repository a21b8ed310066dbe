package main

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"onboard/tenant"
)

const defaultWithin = 30

// expiringView is `expiring --json`: the two lists a cron job alerts on.
type expiringView struct {
	Within   int           `json:"within"`
	Expiring []serviceView `json:"expiring"`
	Unknown  []serviceView `json:"unknown"`
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
	services, err := a.storedServices()
	if err != nil {
		return err
	}
	now := a.now()
	var expiring, unknown []tenant.Service
	for _, s := range services {
		// A service pending authentication has no secret yet, so nothing
		// can expire.
		if !s.HasCredentials() {
			continue
		}
		d := s.DaysUntilExpire(now)
		switch {
		case d == nil:
			unknown = append(unknown, s)
		case *d <= within:
			expiring = append(expiring, s)
		}
	}
	sort.SliceStable(expiring, func(i, j int) bool {
		return *expiring[i].DaysUntilExpire(now) < *expiring[j].DaysUntilExpire(now)
	})

	if asJSON {
		v := expiringView{Within: within, Expiring: []serviceView{}, Unknown: []serviceView{}}
		for _, s := range expiring {
			v.Expiring = append(v.Expiring, viewOf(s, now))
		}
		for _, s := range unknown {
			v.Unknown = append(v.Unknown, viewOf(s, now))
		}
		if err := writeJSON(a.stdout, v); err != nil {
			return err
		}
	} else if err := printExpiring(a.stdout, within, expiring, unknown, now); err != nil {
		return err
	}
	if len(expiring) > 0 || len(unknown) > 0 {
		return silentFailure
	}
	return nil
}

func printExpiring(w io.Writer, within int, expiring, unknown []tenant.Service, now time.Time) error {
	if len(expiring) == 0 && len(unknown) == 0 {
		fmt.Fprintf(w, "No client secret expires within %d days, and every expiry is known.\n", within)
		return nil
	}
	if len(expiring) > 0 {
		fmt.Fprintf(w, "Client secrets expiring within %d days:\n", within)
		tw := table(w)
		fmt.Fprintln(tw, "NAME\tCUSTOMER\tEXPIRES\tDAYS LEFT\tADMIN")
		for _, s := range expiring {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Customer, expiresCell(s), daysLeft(s, now), orDash(s.App.AdminUser))
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
		fmt.Fprintln(tw, "NAME\tCUSTOMER\tLAST VALIDATION\tWHY")
		for _, s := range unknown {
			why := "never validated"
			if s.LastValidation != nil {
				why = summary(s.LastValidation)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Customer, lastValidationCell(s), why)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}
