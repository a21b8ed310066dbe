package entrasim

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"onboard/tenant/internal/randomid"
)

// entraErrorDef is one canned Entra ID error: the OAuth error, the HTTP
// status and the description template (%s = the detail the caller passes).
type entraErrorDef struct {
	status int
	oauth  string
	text   string
}

// entraErrors are the answers Entra ID gives, worded as it words them.
// Unless marked otherwise, each code is in Microsoft Entra authentication
// and authorization error codes
// (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes),
// whose table gives the code's name and meaning but not the HTTP status
// nor the exact sentence: those are as observed in real answers.
var entraErrors = map[int]entraErrorDef{
	90002: {400, "invalid_tenant", "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."},
	// Not in the reference; observed as 400 invalid_request with this
	// wording: https://github.com/caddy-dns/azure/issues/3
	900023:  {400, "invalid_request", "Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain."},
	700016:  {400, "unauthorized_client", "Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."},
	7000215: {401, "invalid_client", "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'."},
	7000222: {401, "invalid_client", "The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds."},
	// A client-credentials request without a secret. Not in the
	// reference (its 7000218 is the other grants' answer); observed:
	// https://github.com/MicrosoftDocs/azure-docs/issues/30777
	7000216: {401, "invalid_client", "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."},
	7000112: {400, "unauthorized_client", "Application '%s'(%s) is disabled."},
	53003:   {400, "invalid_grant", "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."},
	530035:  {400, "invalid_grant", "Access has been blocked by security defaults. This is due to the request using legacy auth or being deemed unsafe by security defaults policies."},
	70003:   {400, "unsupported_grant_type", "The app requested an unsupported grant type '%s'."},
	900144:  {400, "invalid_request", "The request body must contain the following parameter: '%s'."},
	900561:  {400, "invalid_request", "The endpoint only accepts POST requests. Received a GET request."},
	// A scope without /.default: the client credentials flow takes "the
	// resource identifier (application ID URI) of the resource you want,
	// affixed with the .default suffix"
	// (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
	// The code is not in the reference; observed:
	// https://github.com/microsoftgraph/msgraph-sdk-python/issues/181
	1002012: {400, "invalid_scope", "The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."},
	// An App registration without a service principal in the tenant,
	// which Entra ID no longer lets authenticate (Service principal-less
	// authentication mitigation,
	// https://learn.microsoft.com/en-us/entra/identity-platform/deprecate-service-principal-less-authentication).
	// The code is not in the reference (its 700229 is another error);
	// status and wording observed:
	// https://github.com/Azure/Commercial-Marketplace-SaaS-Accelerator/issues/830
	7000229: {401, "invalid_client", "The client application %s is missing service principal in the tenant %s. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119"},
	500011:  {400, "invalid_resource", "The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."},
	90038:   {400, "invalid_request", "The specified tenant '%s' belongs to the National Cloud '%s'. Current cloud instance does not federate with it."},
	// 400 invalid_request observed: https://github.com/sjkp/letsencrypt-siteextension/issues/408
	900382: {400, "invalid_request", "Confidential Client is not supported in Cross Cloud request."},
	900432: {400, "invalid_request", "Confidential Client is not supported in Cross Cloud request."},
	// TenantThrottlingError; the reference gives no HTTP status.
	90055: {400, "temporarily_unavailable", "There are too many incoming requests. This exception is thrown for blocked tenants."},
	// Throttled user-facing calls: "invalid_grant … AADSTS50196: The
	// server terminated an operation because it encountered a loop while
	// processing a request" (Client and server throttling,
	// https://learn.microsoft.com/en-us/entra/msal/dotnet/advanced/client-and-server-throttling);
	// a throttled client-credentials request gets no JSON (entraStatus).
	50196: {429, "invalid_grant", "The server terminated an operation because it encountered a loop while processing a request."},
	// MsodsServiceUnavailable and TokenIssuanceError: the outages;
	// temporarily_unavailable and server_error are the reference's OAuth
	// errors for a server too busy and for a failure of its own.
	90033: {503, "temporarily_unavailable", "The Microsoft Online Directory Service (MSODS) isn't available."},
	50000: {500, "server_error", "There's an issue with the sign-in service."},
	// The device authorization grant's answers: the OAuth errors of
	// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code
	// ("Expected errors") with the reference's codes (AuthorizationPending,
	// BadVerificationCode, CodeExpired). The device-code page names no code
	// for authorization_declined; the reference's UserDeclinedConsent is
	// the simulator's choice.
	70016: {400, "authorization_pending", "OAuth 2.0 device flow error. Authorization is pending. Continue polling."},
	70018: {400, "bad_verification_code", "Invalid verification code due to User typing in wrong user code for device code flow. Authorization is not approved."},
	70019: {400, "expired_token", "Verification code expired. Have the user retry the sign-in."},
	65004: {400, "authorization_declined", "User declined to consent to access the app."},
	70011: {400, "invalid_scope", "The provided value for the input parameter 'scope' is not valid. The scope %s is not valid."},
}

// entraError writes Entra ID's JSON error body for code. detail fills the
// template's %s (a '|' separates two values).
func (s *Server) entraError(w http.ResponseWriter, r *http.Request, code int, detail string) {
	def, ok := entraErrors[code]
	if !ok {
		def = entraErrorDef{400, "invalid_request", "Simulated error."}
	}
	var args []any
	for _, a := range strings.Split(detail, "|") {
		args = append(args, a)
	}
	n := strings.Count(def.text, "%s")
	if len(args) > n {
		args = args[:n]
	}
	for len(args) < n {
		args = append(args, "")
	}
	writeEntraError(w, r, def.status, def.oauth, code, fmt.Sprintf(def.text, args...))
}

// entraStatus answers a bare status (a throttling or an outage) as Entra
// ID does. A client-credentials token request throttled gets "429 Too
// Many Requests, with a Retry-After: 60 header" (Client and server
// throttling,
// https://learn.microsoft.com/en-us/entra/msal/dotnet/advanced/client-and-server-throttling)
// and a body that is no JSON, "Too Many Requests" (observed:
// https://github.com/AzureAD/microsoft-authentication-library-for-dotnet/issues/2855);
// any other request throttled (the device-code polls, the metadata) gets
// AADSTS50196. An outage is 90033 (503) or 50000 (any other 5xx).
func entraStatus(w http.ResponseWriter, r *http.Request, status int) {
	switch {
	case status == http.StatusTooManyRequests && r.PostForm.Get("grant_type") == "client_credentials":
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", "60")
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store, no-cache")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(http.StatusText(status)))
	case status == http.StatusTooManyRequests:
		writeEntraError(w, r, status, entraErrors[50196].oauth, 50196, entraErrors[50196].text)
	case status == http.StatusServiceUnavailable:
		writeEntraError(w, r, status, entraErrors[90033].oauth, 90033, entraErrors[90033].text)
	default:
		writeEntraError(w, r, status, entraErrors[50000].oauth, 50000, entraErrors[50000].text)
	}
}

// writeEntraError writes Entra ID's JSON error answer, in the shape of the
// reference's sample ("Handling error codes in your application", above):
// the description ends with the trace and correlation IDs and the time,
// error_uri points at the login host's error lookup. The correlation ID is
// the client-request-id the client sent, as MSAL's requests show it
// (observed).
func writeEntraError(w http.ResponseWriter, r *http.Request, status int, oauth string, code int, text string) {
	now := time.Now().UTC()
	ts := now.Format("2006-01-02 15:04:05Z")
	trace := randomid.GUID()
	corr := r.Header.Get("client-request-id")
	if corr == "" {
		corr = randomid.GUID()
	}
	writeJSON(w, status, map[string]any{
		"error": oauth,
		"error_description": fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
			code, text, trace, corr, ts),
		"error_codes":    []int{code},
		"timestamp":      ts,
		"trace_id":       trace,
		"correlation_id": corr,
		"error_uri":      fmt.Sprintf("https://%s/error?code=%d", r.Host, code),
	})
}

// graphError writes Microsoft Graph's JSON error body: code, message and
// innerError with the request-id and date (Microsoft Graph error
// responses, https://learn.microsoft.com/en-us/graph/errors), the
// request-id also in its header.
func graphError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	reqID := randomid.GUID()
	w.Header().Set("request-id", reqID)
	w.Header().Set("client-request-id", reqID)
	writeJSON(w, status, map[string]any{
		"error": map[string]any{
			"code":    code,
			"message": message,
			"innerError": map[string]any{
				"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
				"request-id":        reqID,
				"client-request-id": reqID,
			},
		},
	})
}
