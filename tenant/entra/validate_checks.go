package entra

import (
	"context"
	"errors"
	"fmt"
	"onboard/tenant"
	"sort"
	"strings"
	"time"
)

// requiredPermissions are the Graph application permissions of docs/validation.md, each
// with what it is needed for and the broader permissions that include it.
// onboard only reads facts with them: a missing one is a warning.
var requiredPermissions = []struct {
	Name, For string
	Also      []string
}{
	{"Organization.Read.All", "tenant name, domains and Teams Phone licences", []string{"Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
	{"Application.Read.All", "secret expiry", []string{"Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
	{"User.Read.All", "admin user check", []string{"User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
}

// teamsPhonePlan is the service plan ID of Teams Phone (MCOEV): a SKU
// carries Teams Phone when its servicePlans hold it, whatever the SKU is
// called (Product names and service plan identifiers for licensing,
// https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference).
// Resource-account licences carry MCOEV_VIRTUALUSER instead and do not count.
const teamsPhonePlan = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"

// tokenForWhom checks the token is for the tenant and the app typed.
func (v *Validator) tokenForWhom(claims tokenClaims, tenantIn string, tenantIsGUID bool, clientID string) (tenant.Check, bool) {
	tid, _ := tenant.ParseGUID(claims.TenantID)
	if tid == "" {
		return tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail, Detail: "The token Entra ID issued names no tenant (no tid claim).", Fix: "Check --authority-host: it must be Entra ID (or a faithful proxy)."}, false
	}
	if tenantIsGUID && tid != tenantIn {
		return tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail,
			Detail: fmt.Sprintf("The token is for tenant %s, not for the tenant typed (%s).", tid, tenantIn),
			Fix:    "Copy the Tenant ID again from " + whereTenantID + " of the customer's tenant."}, false
	}
	if got, _ := tenant.ParseGUID(claims.Client()); got != clientID {
		return tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail,
			Detail: fmt.Sprintf("The token was issued to application %q, not to the Application ID typed (%s).", claims.Client(), clientID),
			Fix:    "Copy the Application (client) ID again from " + wherePortalApp + " > Overview."}, false
	}
	return tenant.Check{}, true
}

// tokenCheck is the credentials' first line: a token was issued.
func tokenCheck(r *tenant.ValidationReport, opaque bool, t tokenOutcome) tenant.Check {
	throttled := ""
	if t.retries > 0 {
		throttled = fmt.Sprintf(" (Throttled %d time(s); waited %s as asked.)", t.retries, t.waited.Round(time.Millisecond))
	}
	if opaque {
		return tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusWarn,
			Detail: "Entra ID issued an app-only token: the secret works. The token is not a JWT this tool can read (Microsoft does not promise that its access tokens are), so the tenant, roles and permissions are read from Microsoft Graph instead." + throttled,
			Fix:    "Nothing to change in the tenant. If facts below are unknown, grant the Graph permissions they name."}
	}
	return tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass,
		Detail: fmt.Sprintf("Entra ID issued an app-only token for tenant %s: the secret works.%s", r.TenantID, throttled)}
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
		Detail: fmt.Sprintf("Missing Microsoft Graph application permission(s): %s (onboard reads with them: %s). Granted: %s.", strings.Join(missing, ", "), strings.Join(why, "; "), granted),
		Fix:    grantPermissionFix(appName, missing...)}
}

// inferredPermissionsCheck judges the permissions from Graph's answers
// when the token cannot be read: a read that succeeded proves its
// permission, a 403 proves it missing.
func inferredPermissionsCheck(r *tenant.ValidationReport, f graphFacts, askedUser bool) tenant.Check {
	calls := []graphResult{f.orgRes, f.appRes, f.userRes}
	var missing, why, unknown []string
	for i, p := range requiredPermissions {
		res := calls[i]
		switch {
		case i == 2 && !askedUser:
			// Not needed for this validation: no admin user to look up.
		case res.ok():
		case res.Status == 403:
			missing = append(missing, p.Name)
			why = append(why, p.For)
		default:
			unknown = append(unknown, p.Name)
		}
	}
	switch {
	case len(missing) > 0:
		return tenant.Check{Name: tenant.CheckPermissions, Status: tenant.StatusWarn,
			Detail: fmt.Sprintf("Microsoft Graph refused reads that need %s (onboard reads with them: %s); the token does not list the permissions granted.", strings.Join(missing, ", "), strings.Join(why, "; ")),
			Fix:    grantPermissionFix(r.AppName, missing...)}
	case len(unknown) > 0:
		return tenant.Check{Name: tenant.CheckPermissions, Status: tenant.StatusWarn,
			Detail: fmt.Sprintf("The token does not list the permissions granted, and nothing was read that needs %s, so whether it is granted is unknown.", strings.Join(unknown, ", ")),
			Fix:    "Check " + wherePortalApp + " > API permissions: " + strings.Join(unknown, ", ") + " must be granted with admin consent."}
	}
	return tenant.Check{Name: tenant.CheckPermissions, Status: tenant.StatusPass,
		Detail: "Microsoft Graph answered every read onboard made (the token itself does not list the permissions granted)."}
}

func (v *Validator) tenantCheck(ctx context.Context, z *sanitizer, r *tenant.ValidationReport, f graphFacts, tenantIsGUID bool) tenant.Check {
	if f.orgRes.ok() && len(f.org) > 0 {
		o := f.org[0]
		r.TenantName = o.DisplayName
		var dropped []string
		for _, d := range o.VerifiedDomains {
			name, ok := tenant.UntrustedDomain(z.scrub(string(d.Name)))
			if !ok {
				dropped = append(dropped, "(a name that is not a domain)")
				continue
			}
			r.VerifiedDomains = append(r.VerifiedDomains, name)
			if d.IsInitial {
				r.InitialDomain = name
			}
			if d.IsDefault {
				r.DefaultDomain = name
			}
		}
		if id, ok := tenant.ParseGUID(o.ID); ok && r.TenantID == "" {
			r.TenantID = id // the token could not be read
		} else if ok && tenantIsGUID && id != r.TenantID {
			return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusFail,
				Detail: fmt.Sprintf("Microsoft Graph describes tenant %s, not the tenant typed (%s): something between this computer and Microsoft answered for another tenant.", id, r.TenantID),
				Fix:    "Check --graph-url and HTTPS_PROXY, then validate again."}
		}
		name := o.DisplayName
		if name == "" {
			name = "The tenant (no display name)"
		}
		detail := fmt.Sprintf("%s: initial domain %s, default domain %s.", name, orNone(r.InitialDomain), orNone(r.DefaultDomain))
		if len(dropped) > 0 {
			return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusWarn,
				Detail: detail + fmt.Sprintf(" Microsoft Graph listed %d verified domain(s) whose name is not a domain name; they were ignored.", len(dropped)),
				Fix:    "Check the tenant's domains in Microsoft 365 admin center > Settings > Domains; type the M365 domain by hand if it is missing here."}
		}
		return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusPass, Detail: detail}
	}
	if f.orgRes.ok() {
		return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusWarn, Detail: "Microsoft Graph returned no organization for this tenant.", Fix: "Validate again; if it persists, give support the tenant ID."}
	}
	fl := explainGraph(ctx, z, f.orgRes, v.graph, v.timeout,
		failure{Detail: "Tenant name and domains are unknown: Microsoft Graph refused to read the organization (403 Authorization_RequestDenied), the app lacks Organization.Read.All.",
			Fix: grantPermissionFix(r.AppName, "Organization.Read.All") + " Until then type the M365 domain by hand."},
		failure{})
	return tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
}

func (v *Validator) secretCheck(ctx context.Context, z *sanitizer, r *tenant.ValidationReport, f graphFacts, secret tenant.Secret, now time.Time) tenant.Check {
	manual := "You may type the expiry date shown in " + wherePortalApp + " > Certificates & secrets (Expires column)."
	if !f.appRes.ok() {
		fl := explainGraph(ctx, z, f.appRes, v.graph, v.timeout,
			failure{Detail: "Secret expiry unknown: Microsoft Graph refused to read the App registration (403 Authorization_RequestDenied), the app lacks Application.Read.All.",
				Fix: grantPermissionFix(r.AppName, "Application.Read.All") + " " + manual},
			failure{Detail: "Secret expiry unknown: the App registration is not in this tenant (a multi-tenant app registered in another tenant?), so its secrets cannot be read here.",
				Fix: manual})
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
	}
	hint := secret.Hint()
	var matches, valid []graphPasswordCredential
	for _, pc := range f.app.PasswordCredentials {
		if pc.Hint != nil && *pc.Hint == hint {
			matches = append(matches, pc)
			if pc.EndDateTime == nil || now.Before(*pc.EndDateTime) {
				valid = append(valid, pc)
			}
		}
	}
	if len(matches) == 0 {
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn,
			Detail: fmt.Sprintf("Secret expiry unknown: none of the app's %d client secret(s) starts with the characters typed.", len(f.app.PasswordCredentials)),
			Fix:    manual}
	}
	// The token just proved the typed secret valid: a credential with the
	// same first characters whose end date has passed is another secret
	// (the one a renewal replaced). Among several valid ones, the one
	// expiring first is the safe answer.
	candidates := valid
	if len(candidates) == 0 {
		candidates = matches // by this computer's clock all have expired
	}
	best := candidates[0]
	for _, m := range candidates[1:] {
		if m.EndDateTime != nil && (best.EndDateTime == nil || m.EndDateTime.Before(*best.EndDateTime)) {
			best = m
		}
	}
	if best.EndDateTime == nil {
		return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusWarn, Detail: "Secret expiry unknown: Graph lists the secret without an end date.", Fix: manual}
	}
	end := best.EndDateTime.UTC()
	e := tenant.ExpiryAt(now, &end)
	r.SecretExpiresAt, r.DaysUntilExpire = e.At, e.Days
	note := ""
	if expired := len(matches) - len(valid); expired > 0 && len(valid) > 0 {
		note += fmt.Sprintf(" %d expired secret(s) of the app start with the same characters (%q); they were told apart by their end dates.", expired, hint)
	}
	if len(candidates) > 1 {
		note += fmt.Sprintf(" %d secrets of the app share the hint %q; the one expiring first is shown.", len(candidates), hint)
	}
	date := end.Format("2006-01-02")
	renew := "Create a new client secret in " + wherePortalApp + " > Certificates & secrets > New client secret before " + date + " and enter its Value with Update client secret on the service page."
	switch st := e.Urgency.Status(); {
	case e.Urgency == tenant.UrgencyExpired:
		return tenant.Check{Name: tenant.CheckSecret, Status: st, Detail: fmt.Sprintf("The client secret expired on %s.%s", date, note), Fix: renew}
	case st != tenant.StatusPass:
		return tenant.Check{Name: tenant.CheckSecret, Status: st, Detail: fmt.Sprintf("The client secret expires on %s, in %s.%s", date, dayCount(*e.Days), note), Fix: renew}
	}
	return tenant.Check{Name: tenant.CheckSecret, Status: tenant.StatusPass, Detail: fmt.Sprintf("The client secret expires on %s, in %s.%s", date, dayCount(*e.Days), note)}
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

func (v *Validator) adminCheck(ctx context.Context, z *sanitizer, r *tenant.ValidationReport, f graphFacts, upn string) tenant.Check {
	if !f.userRes.ok() {
		fl := explainGraph(ctx, z, f.userRes, v.graph, v.timeout,
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

// teamsTokenCheck judges the token for the Skype and Teams Tenant Admin
// API: refused by Entra ID, Direct Routing cannot be configured.
func (v *Validator) teamsTokenCheck(ctx context.Context, r *tenant.ValidationReport, t tokenOutcome, tc tokenContext) tenant.Check {
	if t.err == nil {
		return tenant.Check{Name: tenant.CheckTeamsToken, Status: tenant.StatusPass,
			Detail: "Entra ID issued a token for the Skype and Teams Tenant Admin API, the resource Teams PowerShell configures Direct Routing through."}
	}
	tc.Resource = resourceTeams
	tc.Retries = t.retries
	f := explainToken(ctx, t.err, tc)
	// Refused: Entra ID itself said no (its JSON error, not a throttling
	// or an outage). A network failure, or a page from something else on
	// the way, leaves the question open.
	var he *entraHTTPError
	refused := false
	if errors.As(t.err, &he) && he.Status < 500 && he.Status != 429 {
		_, refused = parseEntraError(he.Body)
	}
	if !refused {
		return tenant.Check{Name: tenant.CheckTeamsToken, Status: tenant.StatusWarn,
			Detail: "Whether Entra ID issues a token for the Skype and Teams Tenant Admin API is unknown: " + f.Detail, Fix: f.Fix}
	}
	if r.AADSTS == "" {
		r.AADSTS, r.TraceID, r.CorrelationID = f.AADSTS, f.TraceID, f.CorrelationID
	}
	return tenant.Check{Name: tenant.CheckTeamsToken, Status: tenant.StatusFail, Detail: f.Detail, Fix: f.Fix}
}

// roleRef is a directory role found on the app: its template ID and the
// name to show (never blank).
type roleRef struct{ id, name string }

// rolesFromWids names the roles a token's wids claim lists, leaving out
// the template every app token carries.
func rolesFromWids(wids []string) []roleRef {
	var out []roleRef
	seen := map[string]bool{}
	for _, w := range wids {
		id, ok := tenant.ParseGUID(w)
		if !ok || id == tenant.RoleDefaultAppToken || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, roleRef{id: id, name: roleName(id, "")})
	}
	return out
}

// roleName names a role template from the table of built-in roles, else
// by what Graph called it, else by its template ID.
func roleName(id, graphName string) string {
	if role, ok := tenant.RoleByID(id); ok {
		return role.Name
	}
	if graphName != "" {
		return graphName
	}
	return "Unknown role " + id
}

// roleCheckFromGraph reads the roles from Graph's memberOf answer: only
// when the token carries no wids (or cannot be read).
func (v *Validator) roleCheckFromGraph(ctx context.Context, z *sanitizer, r *tenant.ValidationReport, f graphFacts) tenant.Check {
	appName := orApp(r.AppName)
	if !f.rolesRes.ok() {
		r.Roles = nil
		fl := explainGraph(ctx, z, f.rolesRes, v.graph, v.timeout,
			failure{Detail: "Entra roles unknown: the token does not list them, and Microsoft Graph refused to list the app's roles (403 Authorization_RequestDenied), the app lacks Application.Read.All.",
				Fix: grantPermissionFix(appName, "Application.Read.All")},
			failure{Detail: "Entra roles unknown: the app's service principal was not found in this tenant.", Fix: assignRoleFix("Teams Administrator", appName)})
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
	}
	var roles []roleRef
	withheld := 0
	for _, obj := range f.roles {
		id := ""
		if obj.RoleTemplateID != nil {
			id, _ = tenant.ParseGUID(*obj.RoleTemplateID)
		}
		if id == "" {
			withheld++
			continue
		}
		name := ""
		if obj.DisplayName != nil {
			name = *obj.DisplayName
		}
		roles = append(roles, roleRef{id: id, name: roleName(id, name)})
	}
	if withheld > 0 {
		// Graph listed the roles "with limited information": which roles
		// they are is unknown, which is not the same as none.
		r.Roles = nil
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn,
			Detail: fmt.Sprintf("Entra roles unknown: the token does not list them, and Microsoft Graph lists %d role(s) of the app without saying which (reading directory roles needs RoleManagement.Read.Directory or Directory.Read.All).", len(f.roles)),
			Fix:    grantPermissionFix(appName, "RoleManagement.Read.Directory") + " Or check the app's roles yourself: Entra admin center > Identity > Applications > Enterprise applications > " + appName + " > Roles and administrators."}
	}
	return roleCheckFromIDs(r, roles)
}

// roleCheckFromIDs judges the roles the app has: Teams
// Administrator, or Skype for Business Administrator + Teams
// Communications Administrator, is what Direct Routing needs; Global
// Administrator works but is far more; any other role lacks something.
func roleCheckFromIDs(r *tenant.ValidationReport, roles []roleRef) tenant.Check {
	appName := orApp(r.AppName)
	has := map[string]bool{}
	r.Roles = []string{}
	for _, role := range roles {
		has[role.id] = true
		r.Roles = append(r.Roles, role.name)
	}
	assigned := "none"
	if len(r.Roles) > 0 {
		assigned = strings.Join(r.Roles, ", ")
	}
	enough := has[tenant.RoleTeamsAdministrator] || has[tenant.RoleSkypeForBusinessAdministrator] && has[tenant.RoleTeamsCommunicationsAdministrator]
	switch {
	case has[tenant.RoleGlobalAdministrator]:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusWarn,
			Detail: "Global Administrator is assigned to the app (assigned: " + assigned + "): it can configure Direct Routing, but it can change anything in the customer's tenant, far more than the service needs.",
			Fix:    assignRoleFix("Teams Administrator", appName) + " Then remove Global Administrator from the app (least privilege)."}
	case has[tenant.RoleTeamsAdministrator]:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusPass, Detail: "Teams Administrator is assigned to the app (assigned: " + assigned + ")."}
	case enough:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusPass, Detail: "Skype for Business Administrator and Teams Communications Administrator are assigned to the app (assigned: " + assigned + ")."}
	case len(roles) == 0:
		return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusFail,
			Detail: "No Entra role is assigned to the app: Direct Routing is configured with Teams Administrator (or Skype for Business Administrator + Teams Communications Administrator).",
			Fix:    assignRoleFix("Teams Administrator", appName)}
	}
	var lacks []string
	for _, role := range roles {
		if known, ok := tenant.RoleByID(role.id); ok && known.Lacks != "" {
			lacks = append(lacks, role.name+": "+known.Lacks)
		} else if !ok {
			lacks = append(lacks, role.name+": not a role Direct Routing is configured with")
		}
	}
	fix := assignRoleFix("Teams Administrator", appName)
	switch {
	case has[tenant.RoleSkypeForBusinessAdministrator]:
		fix = assignRoleFix("Teams Communications Administrator", appName) + " Or assign Teams Administrator instead."
	case has[tenant.RoleTeamsCommunicationsAdministrator]:
		fix = assignRoleFix("Skype for Business Administrator", appName) + " Or assign Teams Administrator instead."
	}
	return tenant.Check{Name: tenant.CheckRole, Status: tenant.StatusFail,
		Detail: fmt.Sprintf("The app has %s, not what Direct Routing needs (Teams Administrator, or Skype for Business Administrator + Teams Communications Administrator). %s.", assigned, strings.Join(lacks, "; ")),
		Fix:    fix}
}

func assignRoleFix(role, appName string) string {
	return fmt.Sprintf("Entra admin center > Identity > Roles & admins > Roles & admins > %s > Add assignments > select %s (its service principal) > Add.", role, orApp(appName))
}

func orApp(name string) string {
	if name == "" {
		return "the app"
	}
	return name
}

// domainCheck looks for a verified sub-domain of the provider's base
// domain among the tenant's verified domains (/organization's
// verifiedDomains, which Organization.Read.All reads; /domains would need
// Domain.Read.All too).
func (v *Validator) domainCheck(ctx context.Context, z *sanitizer, r *tenant.ValidationReport, f graphFacts) tenant.Check {
	base := v.sbcDomain
	if !f.orgRes.ok() || len(f.org) == 0 {
		fl := explainGraph(ctx, z, f.orgRes, v.graph, v.timeout,
			failure{Detail: "Whether the tenant has a verified sub-domain of " + base + " is unknown: Microsoft Graph refused to read the organization (403 Authorization_RequestDenied), the app lacks Organization.Read.All.",
				Fix: grantPermissionFix(r.AppName, "Organization.Read.All")},
			failure{})
		if f.orgRes.ok() {
			fl = failure{Detail: "Whether the tenant has a verified sub-domain of " + base + " is unknown: Microsoft Graph returned no organization.", Fix: "Validate again; if it persists, give support the tenant ID."}
		}
		return tenant.Check{Name: tenant.CheckDomain, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
	}
	var found []string
	for _, d := range r.VerifiedDomains {
		if strings.HasSuffix(d, "."+base) {
			found = append(found, d)
		}
	}
	sort.Strings(found)
	if len(found) > 0 {
		r.SBCDomain = found[0]
		return tenant.Check{Name: tenant.CheckDomain, Status: tenant.StatusPass,
			Detail: fmt.Sprintf("Verified sub-domain of %s: %s.", base, strings.Join(found, ", "))}
	}
	verified := "none"
	if len(r.VerifiedDomains) > 0 {
		verified = strings.Join(r.VerifiedDomains, ", ")
	}
	return tenant.Check{Name: tenant.CheckDomain, Status: tenant.StatusFail,
		Detail: fmt.Sprintf("The tenant has no verified sub-domain of %s (verified domains: %s); a domain that was added but not verified does not count.", base, verified),
		Fix:    fmt.Sprintf("Ask the customer's admin to add the sub-domain the provider assigned (e.g. customer.%s) in Microsoft 365 admin center (admin.microsoft.com) > Settings > Domains > Add domain, and verify it with the TXT record the provider supplies.", base)}
}

// licenceCheck counts the Teams Phone licences: the SKUs whose service
// plans hold Teams Phone (MCOEV, matched by its ID), enabled against
// consumed units (Graph subscribedSkus, readable with Organization.Read.All,
// https://learn.microsoft.com/en-us/graph/api/subscribedsku-list).
func (v *Validator) licenceCheck(ctx context.Context, z *sanitizer, r *tenant.ValidationReport, f graphFacts) tenant.Check {
	if !f.skusRes.ok() {
		fl := explainGraph(ctx, z, f.skusRes, v.graph, v.timeout,
			failure{Detail: "Teams Phone licences unknown: Microsoft Graph refused to list the tenant's subscriptions (403 Authorization_RequestDenied), the app lacks Organization.Read.All.",
				Fix: grantPermissionFix(r.AppName, "Organization.Read.All")},
			failure{})
		return tenant.Check{Name: tenant.CheckLicence, Status: tenant.StatusWarn, Detail: fl.Detail, Fix: fl.Fix}
	}
	var count tenant.LicenceCount
	var others []string
	for _, k := range f.skus {
		phone := false
		for _, p := range k.ServicePlans {
			phone = phone || strings.EqualFold(p.ServicePlanID, teamsPhonePlan)
		}
		name := k.SkuPartNumber
		if name == "" {
			name = k.SkuID
		}
		if !phone {
			others = append(others, name)
			continue
		}
		count.Enabled += max(k.PrepaidUnits.Enabled, 0)
		count.Consumed += max(k.ConsumedUnits, 0)
		count.SKUs = append(count.SKUs, name)
	}
	sort.Strings(count.SKUs)
	r.TeamsPhone = &count
	buy := "Buy Teams Phone Standard, or a suite that includes it such as Microsoft 365 E5, in Microsoft 365 admin center > Billing > Purchase services; Teams Phone Resource Account licences do not count."
	switch {
	case len(count.SKUs) == 0:
		what := "the tenant has no subscriptions"
		if len(others) > 0 {
			what = "none of its subscriptions (" + strings.Join(others, ", ") + ") includes Teams Phone"
		}
		return tenant.Check{Name: tenant.CheckLicence, Status: tenant.StatusFail,
			Detail: "No Teams Phone licence: " + what + ", so no user can be enabled for Direct Routing.", Fix: buy}
	case count.Enabled == 0:
		return tenant.Check{Name: tenant.CheckLicence, Status: tenant.StatusFail,
			Detail: fmt.Sprintf("No Teams Phone licence: the subscriptions that include Teams Phone (%s) have no active units.", strings.Join(count.SKUs, ", ")), Fix: buy}
	case count.Free() == 0:
		return tenant.Check{Name: tenant.CheckLicence, Status: tenant.StatusWarn,
			Detail: fmt.Sprintf("All %d Teams Phone licences are assigned (%d enabled, %d consumed; %s): none is free for the users to enable for Direct Routing.", count.Enabled, count.Enabled, count.Consumed, strings.Join(count.SKUs, ", ")),
			Fix:    "Free up Teams Phone licences (Microsoft 365 admin center > Billing > Licenses) or buy more."}
	}
	return tenant.Check{Name: tenant.CheckLicence, Status: tenant.StatusPass,
		Detail: fmt.Sprintf("%d of %d Teams Phone licences free (%d enabled, %d consumed; %s).", count.Free(), count.Enabled, count.Enabled, count.Consumed, strings.Join(count.SKUs, ", "))}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
