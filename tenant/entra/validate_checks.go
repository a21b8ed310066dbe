package entra

import (
	"context"
	"fmt"
	"onboard/tenant"
	"strings"
	"time"
)

// requiredPermissions are SPEC §3's Graph application permissions, each
// with what it is needed for and the broader permissions that include it.
var requiredPermissions = []struct {
	Name, For string
	Also      []string
}{
	{"Organization.Read.All", "tenant name and domains", []string{"Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
	{"Application.Read.All", "secret expiry and Entra roles", []string{"Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
	{"User.Read.All", "admin user check", []string{"User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
}

func permissionsCheck(roles []string, appName string) tenant.Check {
	have := map[string]bool{}
	for _, r := range roles {
		have[r] = true
	}
	var missing, why []string
	for _, p := range requiredPermissions {
		ok := have[p.Name]
		for _, a := range p.Also {
			ok = ok || have[a]
		}
		if !ok {
			missing = append(missing, p.Name)
			why = append(why, p.For)
		}
	}
	if len(missing) == 0 {
		return tenant.Check{Name: tenant.CheckPermissions, Status: tenant.StatusPass, Detail: "Granted: " + strings.Join(roles, ", ") + "."}
	}
	granted := "none"
	if len(roles) > 0 {
		granted = strings.Join(roles, ", ")
	}
	return tenant.Check{Name: tenant.CheckPermissions, Status: tenant.StatusWarn,
		Detail: fmt.Sprintf("Missing Microsoft Graph application permission(s): %s (needed for: %s). Granted: %s.", strings.Join(missing, ", "), strings.Join(why, "; "), granted),
		Fix:    grantPermissionFix(appName, missing...)}
}

func (v *Validator) tenantCheck(ctx context.Context, r *tenant.ValidationReport, f graphFacts) tenant.Check {
	if f.orgRes.ok() && len(f.org.Value) > 0 {
		o := f.org.Value[0]
		r.TenantName = o.DisplayName
		for _, d := range o.VerifiedDomains {
			if d.IsInitial {
				r.InitialDomain = d.Name
			}
			if d.IsDefault {
				r.DefaultDomain = d.Name
			}
		}
		return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusPass,
			Detail: fmt.Sprintf("%s: initial domain %s, default domain %s.", o.DisplayName, orNone(r.InitialDomain), orNone(r.DefaultDomain))}
	}
	if f.orgRes.ok() {
		return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusWarn, Detail: "Microsoft Graph returned no organization for this tenant.", Fix: "Validate again; if it persists, give support the tenant ID."}
	}
	fl := explainGraph(ctx, f.orgRes, v.graph, v.timeout,
		failure{Detail: "Tenant name and domains are unknown: Microsoft Graph refused to read the organization (403 Authorization_RequestDenied), the app lacks Organization.Read.All.",
			Fix: grantPermissionFix(r.AppName, "Organization.Read.All") + " Until then type the M365 domain by hand."},
		failure{})
	return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
}

func (v *Validator) secretCheck(ctx context.Context, r *tenant.ValidationReport, f graphFacts, secret tenant.Secret, now time.Time) tenant.Check {
	manual := "You may type the expiry date shown in " + wherePortalApp + " > Certificates & secrets (Expires column)."
	if !f.appRes.ok() {
		fl := explainGraph(ctx, f.appRes, v.graph, v.timeout,
			failure{Detail: "Secret expiry unknown: Microsoft Graph refused to read the App registration (403 Authorization_RequestDenied), the app lacks Application.Read.All.",
				Fix: grantPermissionFix(r.AppName, "Application.Read.All") + " " + manual},
			failure{Detail: "Secret expiry unknown: the App registration is not in this tenant (a multi-tenant app registered in another tenant?), so its secrets cannot be read here.",
				Fix: manual})
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
	}
	hint := safeHint(secret)
	var matches []graphPasswordCredential
	for _, pc := range f.app.PasswordCredentials {
		if pc.Hint != nil && *pc.Hint == hint {
			matches = append(matches, pc)
		}
	}
	if len(matches) == 0 {
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn,
			Detail: fmt.Sprintf("Secret expiry unknown: none of the app's %d client secret(s) starts with the characters typed.", len(f.app.PasswordCredentials)),
			Fix:    manual}
	}
	// Two secrets with the same first three characters: the one expiring
	// first is the safe answer.
	best := matches[0]
	for _, m := range matches[1:] {
		if m.EndDateTime != nil && (best.EndDateTime == nil || m.EndDateTime.Before(*best.EndDateTime)) {
			best = m
		}
	}
	if best.EndDateTime == nil {
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn, Detail: "Secret expiry unknown: Graph lists the secret without an end date.", Fix: manual}
	}
	end := best.EndDateTime.UTC()
	days := tenant.DaysUntil(now, end)
	r.SecretExpiresAt = &end
	r.DaysUntilExpire = &days
	same := ""
	if len(matches) > 1 {
		same = fmt.Sprintf(" %d secrets of the app share the hint %q; the one expiring first is shown.", len(matches), hint)
	}
	date := end.Format("2006-01-02")
	renew := "Create a new client secret in " + wherePortalApp + " > Certificates & secrets > New client secret before " + date + " and enter its Value with Update client secret on the service page."
	switch {
	case days < 0:
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusFail, Detail: fmt.Sprintf("The client secret expired on %s.%s", date, same), Fix: renew}
	case days <= tenant.ExpiryWarnDays:
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn, Detail: fmt.Sprintf("The client secret expires on %s, in %s.%s", date, dayCount(days), same), Fix: renew}
	}
	return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusPass, Detail: fmt.Sprintf("The client secret expires on %s, in %s.%s", date, dayCount(days), same)}
}

func dayCount(d int) string {
	switch d {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", d)
}

func (v *Validator) roleCheck(ctx context.Context, r *tenant.ValidationReport, f graphFacts) tenant.Check {
	appName := r.AppName
	if appName == "" {
		appName = "the app"
	}
	assign := func(role string) string {
		return fmt.Sprintf("Entra admin center > Identity > Roles & admins > Roles & admins > %s > Add assignments > select %s (its service principal) > Add.", role, appName)
	}
	if !f.askRoles {
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn, Detail: "Entra roles unknown: the token carries no object ID (oid) for the app's service principal.", Fix: assign("Teams Administrator")}
	}
	if !f.rolesRes.ok() {
		fl := explainGraph(ctx, f.rolesRes, v.graph, v.timeout,
			failure{Detail: "Entra roles unknown: Microsoft Graph refused to list the app's roles (403 Authorization_RequestDenied), the app lacks Application.Read.All.",
				Fix: grantPermissionFix(appName, "Application.Read.All")},
			failure{Detail: "Entra roles unknown: the app's service principal was not found in this tenant.", Fix: assign("Teams Administrator")})
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
	}
	has := map[string]bool{}
	for _, role := range f.roles.Value {
		has[strings.ToLower(role.RoleTemplateID)] = true
		r.Roles = append(r.Roles, role.DisplayName)
	}
	assigned := "none"
	if len(r.Roles) > 0 {
		assigned = strings.Join(r.Roles, ", ")
	}
	switch {
	case has[tenant.RoleTeamsAdministrator]:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusPass, Detail: "Teams Administrator is assigned to the app (assigned: " + assigned + ")."}
	case has[tenant.RoleSkypeForBusinessAdministrator] && has[tenant.RoleTeamsCommunicationsAdministrator]:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusPass, Detail: "Skype for Business Administrator and Teams Communications Administrator are assigned to the app."}
	case has[tenant.RoleSkypeForBusinessAdministrator]:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn, Detail: "The app has Skype for Business Administrator but not Teams Communications Administrator (assigned: " + assigned + ").",
			Fix: assign("Teams Communications Administrator") + " Or assign Teams Administrator instead."}
	case has[tenant.RoleTeamsCommunicationsAdministrator]:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn, Detail: "The app has Teams Communications Administrator but not Skype for Business Administrator (assigned: " + assigned + ").",
			Fix: assign("Skype for Business Administrator") + " Or assign Teams Administrator instead."}
	}
	return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn,
		Detail: "The app has no Teams Administrator role (nor Skype for Business Administrator + Teams Communications Administrator); assigned: " + assigned + ".",
		Fix:    assign("Teams Administrator")}
}

func (v *Validator) adminCheck(ctx context.Context, r *tenant.ValidationReport, f graphFacts, upn string) tenant.Check {
	if !f.userRes.ok() {
		fl := explainGraph(ctx, f.userRes, v.graph, v.timeout,
			failure{Detail: "Admin user unknown: Microsoft Graph refused to read users (403 Authorization_RequestDenied), the app lacks User.Read.All.",
				Fix: grantPermissionFix(r.AppName, "User.Read.All")},
			failure{Detail: fmt.Sprintf("Admin not found: there is no user %s in this tenant.", upn),
				Fix: "Check the admin's user principal name (Entra admin center > Identity > Users > All users), or leave the field empty."})
		return tenant.Check{Name: tenant.CheckAdmin, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
	}
	u := f.user
	r.Admin = &u
	who := u.UserPrincipalName
	if u.DisplayName != "" {
		who = u.DisplayName + " (" + u.UserPrincipalName + ")"
	}
	if !u.AccountEnabled {
		return tenant.Check{Name: tenant.CheckAdmin, Status: tenant.StatusWarn, Detail: who + " exists but the account is disabled.",
			Fix: "Ask the customer for an enabled admin, or enable the account (Entra admin center > Identity > Users > the user > Edit properties > Account enabled)."}
	}
	return tenant.Check{Name: tenant.CheckAdmin, Status: tenant.StatusPass, Detail: who + " exists and is enabled."}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
