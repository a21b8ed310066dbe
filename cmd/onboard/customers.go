package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"onboard/tenant"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

func (a *app) customersCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "customers",
		Short: "Add and list customers",
		Example: `  onboard customers add "Contoso Ltd"
  onboard customers list --json`,
	}
	group(c)
	c.AddCommand(a.customersAddCommand(), a.customersListCommand())
	return c
}

func (a *app) customersAddCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "add NAME",
		Short:   "Add a customer (1–200 characters, unique ignoring case)",
		Example: `  onboard customers add "Contoso Ltd"`,
		Args:    exactArgs(1, "the customer name (quote it if it has spaces)"),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			name, err := tenant.CleanCustomerName(args[0])
			if err != nil {
				return err
			}
			return a.withCases(func(c *usecase.Cases) error {
				cu, err := c.AddCustomer(name)
				if err != nil {
					return storeError(fmt.Sprintf("add customer %q", name), err)
				}
				fmt.Fprintf(a.stdout, "Added customer %s.\n", cu.Name)
				return nil
			})
		}),
	}
}

// customerView is a customer in `customers list --json`.
type customerView struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
	Services  int       `json:"services"`
}

func (a *app) customersListCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List customers and how many services each has",
		Example: `  onboard customers list
  onboard customers list --json | jq -r '.[].name'`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			var rows []usecase.CustomerRow
			err := a.withCases(func(c *usecase.Cases) (err error) {
				if rows, err = c.Customers(); err != nil {
					return storeError("list customers", err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			views := make([]customerView, 0, len(rows))
			for _, c := range rows {
				views = append(views, customerView{Name: c.Name, CreatedAt: c.CreatedAt.UTC(), Services: c.Services})
			}
			if asJSON {
				return writeJSON(a.stdout, views)
			}
			if len(views) == 0 {
				fmt.Fprintln(a.stdout, "No customers yet: add one with `onboard customers add NAME`.")
				return nil
			}
			clock := present.NewClock(a.now())
			tw := table(a.stdout)
			fmt.Fprintln(tw, "NAME\tSERVICES\tCREATED")
			for _, v := range views {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", v.Name, v.Services, clock.Date(v.CreatedAt))
			}
			return tw.Flush()
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// noArgs is cobra.NoArgs without quoting what was given: a stray argument
// may be a secret pasted in the wrong place (services add … --client-secret-stdin
// VALUE), and usage errors end up in cron mail and CI logs. hint says
// where the value belongs, if anywhere.
func noArgs(hint string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("%s takes no arguments (got %d, not repeated here in case one was a secret)", cmd.CommandPath(), len(args))
		if hint != "" {
			msg += ": " + hint
		}
		return errors.New(msg)
	}
}

// exactArgs is cobra.ExactArgs with a sentence saying what the argument is.
// Its error is a usage error (exit 2, with a pointer to --help).
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s takes exactly %d argument: %s (got %d)", cmd.CommandPath(), n, what, len(args))
		}
		return nil
	}
}
