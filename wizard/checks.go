package wizard

import (
	"fmt"
	"strings"

	"onboard/tenant"
)

// The live checks under the fields: each returns the rule's message for
// what is typed so far and whether it blocks going on. They only call
// package tenant's rules, so the wizard, the accessible mode and the CLI
// judge input alike; the uniqueness hints are repeated by the store in its
// write transaction, which has the last word.

// customerNameCheck applies the customer-name rules and uniqueness among
// existing; except is the customer being renamed (a change of case only is
// allowed).
func customerNameCheck(existing []string, except string) func(string) (string, bool) {
	return func(v string) (string, bool) {
		name, err := tenant.CleanCustomerName(v)
		if err != nil {
			return err.Error(), true
		}
		for _, n := range existing {
			if tenant.NameKey(n) == tenant.NameKey(name) && tenant.NameKey(n) != tenant.NameKey(except) {
				return fmt.Sprintf("customer %q already exists (names are unique, ignoring case)", n), true
			}
		}
		return "", false
	}
}

// shortNameCheck applies the short-name rules and uniqueness among the
// services in taken (NameKey → true).
func shortNameCheck(taken map[string]bool) func(string) (string, bool) {
	return func(v string) (string, bool) {
		if err := tenant.CheckShortName(v); err != nil {
			return err.Error(), true
		}
		if taken[tenant.NameKey(v)] {
			return fmt.Sprintf("a service named %q already exists (short names are unique, ignoring case)", v), true
		}
		return "✓ available", false
	}
}

// ruleMessage is a rule's error as a check's blocking message.
func ruleMessage(err error) (string, bool) {
	if err != nil {
		return err.Error(), true
	}
	return "", false
}

func checkFullName(v string) (string, bool) {
	_, err := tenant.CleanFullName(v)
	return ruleMessage(err)
}

func checkTenantID(v string) (string, bool) {
	_, _, err := tenant.ParseTenantID(v)
	return ruleMessage(err)
}

func checkClientID(v string) (string, bool) {
	_, err := tenant.ParseClientID(v)
	return ruleMessage(err)
}

// checkSecret applies the secret rules; its messages never contain the
// secret (tenant.CleanSecret guarantees it).
func checkSecret(v string) (string, bool) {
	_, notes, err := tenant.CleanSecret(v)
	if err != nil {
		return err.Error(), true
	}
	return strings.Join(notes, " "), false
}

func checkAdmin(v string) (string, bool) {
	_, err := tenant.CleanAdminUPN(v)
	return ruleMessage(err)
}

func checkUsers(v string) (string, bool) {
	_, err := tenant.ParseUsers(v)
	return ruleMessage(err)
}

func checkDomain(v string) (string, bool) {
	if strings.TrimSpace(v) == "" {
		return "the M365 domain must be a domain name such as contoso.onmicrosoft.com", true
	}
	_, err := tenant.CleanM365Domain(v)
	return ruleMessage(err)
}

func checkExpiryDate(v string) (string, bool) {
	_, err := tenant.ParseExpiryDate(v)
	return ruleMessage(err)
}
