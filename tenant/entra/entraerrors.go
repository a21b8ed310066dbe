package entra

// This file is the one place that turns what went wrong talking to Entra ID
// or Graph into words for the support engineer: a plain cause, the fix, and
// the identifiers Microsoft support asks for. No other file words an error.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"onboard/tenant"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// entraErrorBody is Entra ID's JSON error answer.
type entraErrorBody struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	Codes         []int  `json:"error_codes"`
	Timestamp     string `json:"timestamp"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
	ErrorURI      string `json:"error_uri"`
}

var aadstsRE = regexp.MustCompile(`AADSTS(\d{4,8})`)

// Code is the AADSTS number: the first of error_codes, else the one the
// description starts with; 0 when there is none.
func (b entraErrorBody) Code() int {
	if len(b.Codes) > 0 && b.Codes[0] > 0 {
		return b.Codes[0]
	}
	if m := aadstsRE.FindStringSubmatch(b.Description); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// Summary is the description's first sentence without the "AADSTSnnn: "
// prefix and the trace/correlation/timestamp tail Entra ID appends.
func (b entraErrorBody) Summary() string {
	d := b.Description
	if i := strings.Index(d, ": "); i >= 0 && strings.HasPrefix(d, "AADSTS") {
		d = d[i+2:]
	}
	for _, cut := range []string{" Trace ID:", "\r\nTrace ID:", "\nTrace ID:"} {
		if i := strings.Index(d, cut); i >= 0 {
			d = d[:i]
		}
	}
	return clip(strings.TrimSpace(d), 300)
}

// readEntraAnswer parses an Entra ID error answer and cleans what it says
// (scrubbing the secret with z) before any of it is read or cut; the body
// itself is never kept. ok is false when the body is not Entra's JSON.
func readEntraAnswer(he *entraHTTPError, z *sanitizer) (b entraErrorBody, ok bool) {
	b, ok = parseEntraError(he.Body)
	b.Error = z.text(b.Error, tenant.UntrustedNameMax)
	b.Description = z.text(b.Description, tenant.UntrustedTextMax)
	b.TraceID = z.text(b.TraceID, tenant.UntrustedIDMax)
	b.CorrelationID = z.text(b.CorrelationID, tenant.UntrustedIDMax)
	b.Timestamp, b.ErrorURI = "", ""
	return b, ok
}

// parseEntraError reads an Entra ID error body; ok is false when the body
// is not Entra's JSON (a proxy's page, an empty answer …).
func parseEntraError(body []byte) (b entraErrorBody, ok bool) {
	if err := json.Unmarshal(body, &b); err != nil {
		return entraErrorBody{}, false
	}
	return b, b.Error != "" || b.Description != "" || len(b.Codes) > 0
}

// graphErrorBody is Microsoft Graph's JSON error answer.
type graphErrorBody struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
			Date            string `json:"date"`
		} `json:"innerError"`
	} `json:"error"`
}

func parseGraphError(body []byte) (g graphErrorBody, ok bool) {
	if err := json.Unmarshal(body, &g); err != nil {
		return graphErrorBody{}, false
	}
	return g, g.Error.Code != ""
}

// failure is a failed step in words, with what support needs.
type failure struct {
	Detail, Fix                    string
	AADSTS, TraceID, CorrelationID string
	// Cancelled marks a validation stopped by the engineer, not a verdict.
	Cancelled bool
}

// tokenContext is what the token-step wording needs to know.
type tokenContext struct {
	Cloud         tenant.Cloud
	AuthorityHost string
	Tenant        string
	ClientID      string
	Timeout       time.Duration
	Retries       int
	// Resource is which token was refused: resourceGraph ("") or
	// resourceTeams.
	Resource string
	// San cleans what Entra ID answered and scrubs the secret from it
	// (nil: clean only).
	San *sanitizer
}

// The resources a validation asks tokens for, as tokenContext names them.
const (
	resourceGraph = ""
	resourceTeams = "teams"
)

const (
	wherePortalApp    = "Entra admin center (entra.microsoft.com) > Identity > Applications > App registrations > the app"
	whereEnterpriseSP = "Entra admin center > Identity > Applications > Enterprise applications > the app > Properties"
	whereTenantID     = "Entra admin center > Identity > Overview > Tenant ID"
)

// explainToken words a failed token step.
func explainToken(ctx context.Context, err error, tc tokenContext) failure {
	var he *entraHTTPError
	if errors.As(err, &he) {
		return explainEntraAnswer(he, tc)
	}
	var ba *badAnswerError
	if errors.As(err, &ba) {
		what := "token endpoint"
		if ba.Stage == stageMetadata {
			what = "tenant's OpenID metadata"
		}
		return failure{
			Detail: fmt.Sprintf("Entra ID's %s answer at %s could not be used: %v. Something between this computer and Entra ID (a proxy, a firewall page) may have changed or cut the answer.", what, hostOf(tc.AuthorityHost), ba.Err),
			Fix:    "Validate again; if it keeps failing, check HTTPS_PROXY and the --authority-host setting, or try from another network.",
		}
	}
	if f, ok := explainNetwork(ctx, tc.San, err, hostOf(tc.AuthorityHost), "Entra ID", tc.Timeout); ok {
		return f
	}
	return failure{
		Detail: "Entra ID could not be asked for a token: " + tc.San.plain(err) + ".",
		Fix:    "Validate again; if it keeps failing, note the time and this message for support.",
	}
}

// explainEntraAnswer words an Entra ID HTTP error answer, row by row of
// the table of docs/validation.md.
func explainEntraAnswer(he *entraHTTPError, tc tokenContext) failure {
	body, isEntra := readEntraAnswer(he, tc.San)
	f := failure{TraceID: body.TraceID, CorrelationID: body.CorrelationID}
	code := body.Code()
	if code != 0 {
		f.AADSTS = "AADSTS" + strconv.Itoa(code)
	}
	if !isEntra {
		if t, ok := transient(f, he, tc); ok {
			return t
		}
		kind := "a page that is not Entra ID's JSON"
		if len(strings.TrimSpace(string(he.Body))) == 0 {
			kind = "an empty body"
		}
		f.Detail = fmt.Sprintf("%s answered the %s request with HTTP %d and %s: something else (a proxy, a firewall, a wrong --authority-host) answered instead of Entra ID.", hostOf(tc.AuthorityHost), he.Stage, he.Status, kind)
		f.Fix = "Check the cloud (--cloud), --authority-host and HTTPS_PROXY, then validate again."
		return f
	}
	if tc.Resource == resourceTeams {
		if t, ok := explainTeamsRefusal(f, code, tc); ok {
			return t
		}
	}
	switch code {
	case 90002:
		f.Detail = fmt.Sprintf("Tenant %q was not found in the %s cloud (AADSTS90002): the Tenant ID is wrong, or the tenant lives in another Microsoft cloud.", tc.Tenant, cloudName(tc.Cloud))
		f.Fix = "Copy the Tenant ID from " + whereTenantID + ". A US Government (GCC High / DoD) tenant needs --cloud usgov or usdod, a 21Vianet one --cloud china."
	case 900023:
		f.Detail = fmt.Sprintf("Entra ID says %q is not a valid tenant identifier (AADSTS900023).", tc.Tenant)
		f.Fix = "Type the tenant's GUID (" + whereTenantID + ") or its domain, e.g. contoso.onmicrosoft.com."
	case 700016:
		f.Detail = fmt.Sprintf("No application with ID %s exists in this tenant (AADSTS700016): the Application (Client) ID is wrong, or the app was registered in another tenant.", tc.ClientID)
		f.Fix = "Copy the Application (client) ID from " + wherePortalApp + " > Overview, signed in to the customer's own tenant."
	case 7000215:
		f.Detail = "Entra ID rejected the client secret (AADSTS7000215): it is not a current secret of this App registration. Often the secret's ID was copied instead of its Value."
		f.Fix = "In " + wherePortalApp + " > Certificates & secrets, copy the Value column (shown only right after the secret is created); if it is no longer shown, create a new client secret and copy its Value."
	case 7000222:
		f.Detail = "The client secret has expired (AADSTS7000222)."
		f.Fix = "Create a new client secret in " + wherePortalApp + " > Certificates & secrets > New client secret and enter its Value: in the credentials step while onboarding, with Update client secret on the service page later."
	case 7000112:
		f.Detail = fmt.Sprintf("The application %s is disabled in the customer's tenant (AADSTS7000112).", tc.ClientID)
		f.Fix = "In " + whereEnterpriseSP + ", set \"Enabled for users to sign-in?\" to Yes and save."
	case 53003:
		f.Detail = "A Conditional Access policy of the customer's tenant blocked the token (AADSTS53003)."
		f.Fix = "Ask the customer's admin to exclude this app's service principal from the blocking policy (Entra admin center > Protection > Conditional Access) or to allow the provider's network in it."
	case 530035:
		f.Detail = "The customer's security defaults blocked the sign-in (AADSTS530035)."
		f.Fix = "Ask the customer's admin to review security defaults (Entra admin center > Identity > Overview > Properties > Manage security defaults) or replace them with Conditional Access that allows this app."
	case 7000229:
		f.Detail = fmt.Sprintf("The App registration %s has no service principal (Enterprise application) in the customer's tenant (AADSTS7000229): it was created without admin consent, or by a script that did not create one.", tc.ClientID)
		f.Fix = noServicePrincipalFix(tc.ClientID)
	case 500011:
		f.Detail = fmt.Sprintf("Entra ID does not know the resource asked for in this tenant (AADSTS500011: %s): the tenant may live in another Microsoft cloud than --cloud %s, or something between this computer and Entra ID changed the request.", body.Summary(), cloudName(tc.Cloud))
		f.Fix = crossCloudFix
	case 90038, 900382, 900432:
		f.Detail = fmt.Sprintf("The tenant lives in another Microsoft national cloud than the one asked (--cloud %s) (%s: %s).", cloudName(tc.Cloud), f.AADSTS, body.Summary())
		f.Fix = crossCloudFix
	case 90055:
		f.Detail = "Entra ID is throttling token requests for the customer's tenant (AADSTS90055: too many requests for this tenant)."
		f.Fix = "Wait a few minutes and validate again; bulk validation: lower --concurrency. If it persists, the customer's tenant is busy with other apps' sign-ins."
	default:
		if t, ok := transient(f, he, tc); ok {
			return t
		}
		what := "refused the token request"
		if he.Stage == stageMetadata {
			what = "refused to describe the tenant"
		}
		f.Detail = fmt.Sprintf("Entra ID %s (HTTP %d, %s): %s", what, he.Status, orUnknown(f.AADSTS), body.Summary())
		f.Fix = "Look the code up at " + errorLookup(tc.Cloud, code) + "; give support the AADSTS code and correlation ID below."
		if code == 0 {
			f.Fix = "Give support the correlation ID below and the time of this validation."
		}
	}
	if tc.Resource == resourceTeams {
		f.Detail = "Entra ID refused a token for the Skype and Teams Tenant Admin API, which Direct Routing is configured through: " + f.Detail
	}
	return f
}

// crossCloudFix says how to pick the customer's cloud.
const crossCloudFix = "Validate again with the customer's cloud: --cloud global (commercial and GCC), usgov (GCC High), usdod (DoD) or china (21Vianet)."

// noServicePrincipalFix says how to create an app's service principal.
func noServicePrincipalFix(appID string) string {
	return fmt.Sprintf("Grant admin consent in %s > API permissions > Grant admin consent, which creates it; or create it with Azure CLI: az ad sp create --id %s, or Microsoft Graph PowerShell: New-MgServicePrincipal -AppId %s.", wherePortalApp, appID, appID)
}

// explainTeamsRefusal words the refusals of the Teams admin API token
// that mean something else than for the Graph one; ok is false for the
// others, worded as for Graph.
func explainTeamsRefusal(f failure, code int, tc tokenContext) (failure, bool) {
	switch code {
	case 53003:
		f.Detail = "A Conditional Access policy of the customer's tenant blocks tokens for the Skype and Teams Tenant Admin API (AADSTS53003), while Microsoft Graph is allowed: Direct Routing cannot be configured."
		f.Fix = "Ask the customer's admin to exclude this app's service principal from the policy that targets the Skype and Teams Tenant Admin API, Office 365 or all resources (Entra admin center > Protection > Conditional Access > the policy > Target resources / Workload identities)."
	case 500011:
		f.Detail = "The customer's tenant has no service principal for the Skype and Teams Tenant Admin API (AADSTS500011), the resource Direct Routing is configured through: the tenant has never had Microsoft Teams, or the service principal was removed."
		f.Fix = "Ask the customer's admin to check the tenant has a Microsoft 365 subscription with Teams, then create the service principal with Microsoft Graph PowerShell: New-MgServicePrincipal -AppId " + teamsAdminAPIAppID + "."
	case 7000229:
		f.Detail = fmt.Sprintf("The App registration %s has no service principal in the customer's tenant (AADSTS7000229).", tc.ClientID)
		f.Fix = noServicePrincipalFix(tc.ClientID)
	default:
		return f, false
	}
	return f, true
}

// teamsAdminAPIAppID is the Skype and Teams Tenant Admin API's app ID.
const teamsAdminAPIAppID = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239"

// errorLookup is Entra ID's error lookup page for a code, on the cloud's
// own login host (https://login.microsoftonline.com/error, and
// https://login.partner.microsoftonline.cn/error for China).
func errorLookup(c tenant.Cloud, code int) string {
	if c == "" {
		c = tenant.CloudGlobal
	}
	return c.Endpoints().AuthorityHost + "/error?code=" + strconv.Itoa(code)
}

// transient words a throttling (429) or an outage (5xx), whatever the
// body says; ok is false for any other status.
func transient(f failure, he *entraHTTPError, tc tokenContext) (failure, bool) {
	switch {
	case he.Status == 429:
		return throttled(f, he, tc), true
	case he.Status >= 500:
		return unavailable(f, he), true
	}
	return f, false
}

func throttled(f failure, he *entraHTTPError, tc tokenContext) failure {
	after := ""
	if wait := tc.San.text(he.Header.Get("Retry-After"), 40); wait != "" {
		after = " (it asked to wait " + wait + ")"
	}
	f.Detail = fmt.Sprintf("Entra ID is throttling requests (HTTP 429)%s; %s.", after, triesText(tc.Retries))
	f.Fix = "Wait a minute and validate again; bulk validation: lower --concurrency."
	return f
}

func unavailable(f failure, he *entraHTTPError) failure {
	f.Detail = fmt.Sprintf("Entra ID is temporarily unavailable (HTTP %d at the %s request).", he.Status, he.Stage)
	f.Fix = "Validate again in a few minutes; if it persists, check https://status.cloud.microsoft."
	return f
}

func triesText(retries int) string {
	switch retries {
	case 0:
		return "it was not retried (the wait asked for was longer than allowed)"
	case 1:
		return "retried once, still throttled"
	}
	return fmt.Sprintf("retried %d times, still throttled", retries)
}

// explainNetwork words failures below HTTP: cancellation, timeout, DNS,
// refused connection, TLS. ok is false when err is none of these.
func explainNetwork(ctx context.Context, z *sanitizer, err error, host, service string, timeout time.Duration) (failure, bool) {
	var (
		dnsErr  *net.DNSError
		unkAuth x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		verErr  *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		netErr  net.Error
		opErr   *net.OpError
	)
	if u := urlHost(err); u != "" {
		host = u
	}
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return failure{Cancelled: true,
			Detail: "The validation was cancelled before " + service + " answered.",
			Fix:    "Run Validate Authentication again when ready."}, true
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &netErr) && netErr.Timeout()):
		return failure{
			Detail: fmt.Sprintf("%s (%s) did not answer within %s.", service, host, roundDuration(timeout)),
			Fix:    "Check this computer's network and proxy (HTTPS_PROXY), then validate again; on a slow link raise --timeout."}, true
	case errors.As(err, &dnsErr):
		return failure{
			Detail: fmt.Sprintf("The name %s could not be resolved (DNS): %s cannot be reached from this computer.", dnsErr.Name, service),
			Fix:    "Check the spelling of --authority-host / --graph-url and the --cloud, and this computer's DNS and network."}, true
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		// The proxy itself failed: blaming Microsoft would send the
		// engineer to the wrong place.
		return failure{
			Detail: fmt.Sprintf("The proxy %s could not be reached (%s), so %s was not asked.", addrOf(opErr), z.plain(opErr.Err), service),
			Fix:    "Check HTTPS_PROXY (and NO_PROXY) on this computer, or whether the proxy is up."}, true
	case strings.Contains(err.Error(), http.StatusText(http.StatusProxyAuthRequired)):
		return failure{
			Detail: fmt.Sprintf("The proxy between this computer and %s asks for authentication (HTTP 407).", service),
			Fix:    "Put the proxy's user and password in HTTPS_PROXY (https://user:password@proxy:port) or ask the network team to allow this computer."}, true
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return failure{
			Detail: fmt.Sprintf("There is no network route from this computer to %s.", host),
			Fix:    "Check this computer's network connection (VPN, firewall) and whether a proxy is required (HTTPS_PROXY)."}, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return failure{
			Detail: fmt.Sprintf("%s refused the connection: nothing accepts HTTPS there.", host),
			Fix:    "Check the host and port of --authority-host / --graph-url, and whether a proxy is required (HTTPS_PROXY)."}, true
	case errors.As(err, &hostErr):
		return failure{
			Detail: fmt.Sprintf("The TLS certificate presented by %s is for another name: the connection is not safe.", host),
			Fix:    "Check --authority-host / --graph-url; a TLS-inspecting proxy must present a certificate for the name asked."}, true
	case errors.As(err, &unkAuth) || errors.As(err, &verErr):
		return failure{
			Detail: fmt.Sprintf("The TLS certificate presented by %s is issued by an authority this computer does not trust (typically a TLS-inspecting proxy).", host),
			Fix:    "Add the proxy's CA certificate to the system trust store (on Linux you can point SSL_CERT_FILE at it), or use a network without inspection."}, true
	case errors.As(err, &invErr):
		return failure{
			Detail: fmt.Sprintf("The TLS certificate presented by %s is not valid (expired or not yet valid); check this computer's clock.", host),
			Fix:    "Correct the system clock, or ask the network team about the certificate."}, true
	case errors.As(err, &recErr):
		return failure{
			Detail: fmt.Sprintf("%s does not speak HTTPS on that port.", host),
			Fix:    "Use an https:// URL for --authority-host / --graph-url."}, true
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		// net/http's HTTP/2 stream reset has no exported type.
		strings.Contains(err.Error(), "stream error:"):
		return failure{
			Detail: fmt.Sprintf("The connection to %s was cut before the answer was complete.", host),
			Fix:    "Validate again; if it keeps happening, check the proxy or firewall between this computer and Microsoft."}, true
	}
	return failure{}, false
}

// urlHost is the host a failed request went to, from net/http's *url.Error.
func urlHost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			return u.Host
		}
	}
	return ""
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return base
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func roundDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "the time allowed"
	case d < time.Second:
		return d.String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// addrOf is the address a failed dial went to (the proxy, for proxyconnect).
func addrOf(e *net.OpError) string {
	if e.Addr != nil {
		return e.Addr.String()
	}
	return "named in HTTPS_PROXY"
}

func cloudName(c tenant.Cloud) string {
	if c == "" {
		return string(tenant.CloudGlobal)
	}
	return string(c)
}

func orUnknown(s string) string {
	if s == "" {
		return "no AADSTS code"
	}
	return s
}

// Where each Graph permission is granted, for the fix of a missing one.
func grantPermissionFix(appName string, perms ...string) string {
	if appName == "" {
		appName = "the app"
	}
	return fmt.Sprintf("Entra admin center > Identity > Applications > App registrations > %s > API permissions > Add a permission > Microsoft Graph > Application permissions > %s > Add permissions, then Grant admin consent.",
		appName, strings.Join(perms, ", "))
}

// explainGraph words a Graph call that did not succeed. denied is what a
// 403 Authorization_RequestDenied means for this call (a missing
// permission); notFound what a 404 means.
func explainGraph(ctx context.Context, z *sanitizer, res graphResult, graphHost string, timeout time.Duration, denied, notFound failure) failure {
	if res.Err != nil {
		var ba *badAnswerError
		if errors.As(res.Err, &ba) {
			return failure{
				Detail: "Microsoft Graph's answer could not be used: " + ba.Err.Error() + ".",
				Fix:    "Validate again; if it keeps failing, check HTTPS_PROXY and --graph-url.",
			}
		}
		if f, ok := explainNetwork(ctx, z, res.Err, hostOf(graphHost), "Microsoft Graph", timeout); ok {
			return f
		}
		return failure{Detail: "Microsoft Graph could not be asked: " + z.plain(res.Err) + ".", Fix: "Validate again; if it keeps failing, note this message for support."}
	}
	ids := ""
	if res.RequestID != "" {
		ids = " (request-id " + res.RequestID + ")"
	}
	switch {
	case res.Status == 403 && (res.Code == "Authorization_RequestDenied" || res.Code == ""):
		return denied
	case res.Status == 404 && notFound.Detail != "":
		return notFound
	case res.Status == 401:
		return failure{Detail: "Microsoft Graph refused the token Entra ID issued (HTTP 401 " + res.Code + ")" + ids + ": the Graph URL may not match the cloud.",
			Fix: "Check --cloud and --graph-url: the token is issued for the Microsoft Graph of --cloud, and --graph-url must lead to that Graph."}
	case res.Status == 429:
		return failure{Detail: "Microsoft Graph is throttling requests (HTTP 429)" + ids + ".", Fix: "Wait a minute and validate again; bulk validation: lower --concurrency."}
	case res.Status >= 500:
		return failure{Detail: fmt.Sprintf("Microsoft Graph is temporarily unavailable (HTTP %d)%s.", res.Status, ids), Fix: "Validate again in a few minutes."}
	}
	msg := clip(res.Message, 200)
	return failure{Detail: fmt.Sprintf("Microsoft Graph answered HTTP %d %s%s: %s", res.Status, res.Code, ids, msg), Fix: "Validate again; if it persists, give support the request-id."}
}

// --- Creating an App registration (createapp.go) -----------------------

// The admin rights each step of creating an App registration needs
// (docs/onboarding.md, from Grant tenant-wide admin consent,
// https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent,
// and the built-in roles reference,
// https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference):
// creating and deleting apps, their service principals and secrets; or
// granting Microsoft Graph application permissions and assigning
// directory roles.
const (
	rightManageApps = "Application Administrator or Cloud Application Administrator (or Global Administrator)"
	rightGrant      = "Privileged Role Administrator or Global Administrator"
)

// whereRoles is where an admin's roles are seen and assigned.
const whereRoles = "Entra admin center > Identity > Roles & admins"

// explainSignIn words a device-code sign-in of the customer's admin that
// did not complete. Nothing was created when it fails.
func explainSignIn(ctx context.Context, err error, tc tokenContext) *tenant.CreateError {
	e := &tenant.CreateError{Step: tenant.StepSignIn}
	if errors.Is(err, errCodeExpired) {
		e.Code = "AADSTS70019"
	}
	var he *entraHTTPError
	if errors.As(err, &he) {
		body, _ := readEntraAnswer(he, tc.San)
		e.RequestID = body.CorrelationID
		switch body.Error {
		case "authorization_declined", "access_denied":
			e.Code = orCode(body.Code(), body.Error)
			e.Detail = "The customer's admin declined the sign-in: nothing was created."
			e.Fix = "Try again if it was a mistake: to create the App registration the admin must accept what Microsoft Graph Command Line Tools asks for (create applications, grant consent, manage role assignments). Otherwise choose Send instructions to the admin."
			return e
		case "expired_token", "code_expired":
			e.Code = orCode(body.Code(), body.Error)
		case "bad_verification_code":
			e.Code = orCode(body.Code(), body.Error)
			e.Detail = "Entra ID no longer knows the sign-in code (bad_verification_code): nothing was created."
			e.Fix = "Try again for a new code."
			return e
		default:
			if body.Code() == 700016 {
				e.Code = "AADSTS700016"
				e.Detail = fmt.Sprintf("Entra ID does not know the sign-in app %s in this tenant (AADSTS700016): nothing was created.", tc.ClientID)
				e.Fix = "Leave --signin-client-id (ONBOARD_SIGNIN_CLIENT_ID) unset to sign in with Microsoft Graph Command Line Tools (" + DefaultSignInClientID + "), or name a public client app that exists in the customer's tenant."
				return e
			}
			f := explainEntraAnswer(he, tc)
			e.Code, e.Detail, e.Fix = f.AADSTS, "The sign-in did not complete: "+f.Detail, f.Fix
			return e
		}
	}
	if e.Code != "" {
		e.Detail = "The code expired before the customer's admin signed in (a code lasts 15 minutes): nothing was created."
		e.Fix = "Try again for a new code; the admin opens the address shown on their own phone or computer and types the code."
		return e
	}
	var ba *badAnswerError
	if errors.As(err, &ba) {
		f := explainToken(ctx, err, tc)
		e.Detail, e.Fix = f.Detail, f.Fix
		return e
	}
	if f, ok := explainNetwork(ctx, nil, err, hostOf(tc.AuthorityHost), "Entra ID", 0); ok {
		e.Cancelled = f.Cancelled
		if f.Cancelled {
			e.Detail, e.Fix = "The sign-in was cancelled: nothing was created.", ""
			return e
		}
		e.Detail, e.Fix = f.Detail, f.Fix
		return e
	}
	e.Detail = "The customer's admin could not be signed in: " + (*sanitizer)(nil).plain(err) + "."
	e.Fix = "Try again; if it keeps failing, note the time and this message for support."
	return e
}

func orCode(code int, oauth string) string {
	if code != 0 {
		return "AADSTS" + strconv.Itoa(code)
	}
	return oauth
}

// explainCreate words a Graph request refused while creating an App
// registration: a 403 names the admin right the signed-in admin lacks for
// the step.
func explainCreate(ctx context.Context, z *sanitizer, step string, res graphResult, admin, graphHost string, timeout time.Duration) *tenant.CreateError {
	right, what := rightManageApps, map[string]string{
		tenant.StepApplication:      "create the App registration",
		tenant.StepServicePrincipal: "create the App registration's service principal",
		tenant.StepSecret:           "add a client secret to the App registration",
		tenant.StepRemoval:          "remove what was created",
		tenant.StepConsent:          "grant admin consent for the Microsoft Graph application permissions",
		tenant.StepRole:             "assign the Teams Administrator role to the App registration",
	}[step]
	if step == tenant.StepConsent || step == tenant.StepRole {
		right = rightGrant
	}
	who, whom := "the admin who signed in", "the admin who signed in"
	if admin != "" {
		who, whom = who+" ("+admin+")", admin
	}
	denied := failure{
		Detail: fmt.Sprintf("Microsoft Graph refused to %s (403 Authorization_RequestDenied): %s is not %s.", what, who, right),
		Fix:    fmt.Sprintf("Sign in again as an admin who is %s, or have such an admin assign one of those roles to %s (%s), then try again.", right, whom, whereRoles),
	}
	f := explainGraph(ctx, z, res, graphHost, timeout, denied, failure{})
	e := &tenant.CreateError{Step: step, Detail: f.Detail, Fix: f.Fix, Cancelled: f.Cancelled, RequestID: res.RequestID}
	if res.Code != "" {
		e.Code = res.Code
	}
	if res.Status == 403 && (res.Code == "Authorization_RequestDenied" || res.Code == "") {
		e.MissingRight = right
	}
	if e.Cancelled {
		e.Detail = "Cancelled before Microsoft Graph answered (" + what + ")."
		e.Fix = ""
	}
	return e
}
