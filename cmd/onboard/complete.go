package main

import (
	"os"
	"strings"

	"github.com/spf13/cobra"

	"onboard/tenant"
	"onboard/tenant/usecase"
)

// Shell completion of the names an engineer would otherwise look up with
// `services list`: service and customer names from the database, and the
// fixed choices of --license and --cloud. Completion never creates a
// database and never fails loudly: at worst it offers nothing.

func (a *app) completeServiceNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return a.completeNames(cmd, toComplete, args, func(st usecase.Store) (names []string, err error) {
		list, err := st.ListSummaries()
		for _, s := range list {
			names = append(names, s.Name)
		}
		return names, err
	})
}

func (a *app) completeCustomerNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return a.completeNames(cmd, toComplete, nil, func(st usecase.Store) (names []string, err error) {
		list, err := st.ListCustomers()
		for _, c := range list {
			names = append(names, c.Name)
		}
		return names, err
	})
}

// completeNames offers the names list reads from an existing database
// that start with toComplete and are not already given, ignoring case.
func (a *app) completeNames(cmd *cobra.Command, toComplete string, given []string, list func(usecase.Store) ([]string, error)) ([]string, cobra.ShellCompDirective) {
	var names []string
	a.withStoreForCompletion(cmd, func(st usecase.Store) {
		all, err := list(st)
		if err != nil {
			return
		}
		for _, n := range all {
			if hasPrefixFold(n, toComplete) && !containsFold(given, n) {
				names = append(names, n)
			}
		}
	})
	return names, cobra.ShellCompDirectiveNoFileComp
}

func (a *app) withStoreForCompletion(cmd *cobra.Command, fn func(usecase.Store)) {
	if a.resolve(cmd) != nil {
		return
	}
	path, err := a.dbFile()
	if err != nil {
		return
	}
	if _, err := os.Stat(path); err != nil {
		return
	}
	st, err := a.openStore()
	if err != nil {
		return
	}
	defer st.Close()
	fn(st)
}

func fixedChoices(choices ...string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return choices, cobra.ShellCompDirectiveNoFileComp
	}
}

func licenseChoices() []string {
	out := make([]string, 0, len(tenant.Licenses))
	for _, l := range tenant.Licenses {
		out = append(out, string(l)+"\t"+l.Title())
	}
	return out
}

func cloudChoices() []string {
	out := make([]string, 0, len(tenant.Clouds))
	for _, c := range tenant.Clouds {
		out = append(out, string(c))
	}
	return out
}

func hasPrefixFold(s, prefix string) bool {
	return strings.HasPrefix(tenant.NameKey(s), tenant.NameKey(prefix))
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if tenant.NameKey(x) == tenant.NameKey(s) {
			return true
		}
	}
	return false
}
