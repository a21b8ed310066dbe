package entra

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"onboard/tenant"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Config sets up a Validator. The zero value validates against the global
// cloud with the process's shared HTTP client.
type Config struct {
	Cloud         tenant.Cloud     // default CloudGlobal
	AuthorityHost string           // override of Cloud's authority host ("" = cloud's)
	GraphURL      string           // override of Cloud's Graph root ("" = cloud's)
	HTTPClient    *http.Client     // nil = one shared, keep-alive, HTTP/2 client for the process
	Timeout       time.Duration    // overall per validation; 0 = 20 s
	Now           func() time.Time // nil = time.Now
	// Log receives one debug line per step (never the secret); nil = none.
	Log *slog.Logger
}

// DefaultTimeout bounds one validation when Config.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Validator runs Validate Authentication (SPEC §3). It is safe for
// concurrent use; keep one per process so the HTTP connections and the
// tenants' OpenID metadata are reused.
type Validator struct {
	cloud     tenant.Cloud
	authority string
	graph     string
	http      *http.Client
	timeout   time.Duration
	now       func() time.Time
	log       *slog.Logger
	tokens    *msalAcquirer
}

var (
	sharedOnce   sync.Once
	sharedClient *http.Client
)

// defaultHTTPClient is the one client of the process: keep-alive, HTTP/2
// attempted, proxy from the environment, wrapped in the retry policy.
func defaultHTTPClient() *http.Client {
	sharedOnce.Do(func() {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ForceAttemptHTTP2 = true
		t.MaxIdleConns = 100
		t.MaxIdleConnsPerHost = 32
		t.IdleConnTimeout = 90 * time.Second
		sharedClient = &http.Client{Transport: &retryTransport{base: t}}
	})
	return sharedClient
}

// NewValidator checks cfg and sets up the HTTP client and MSAL.
func NewValidator(cfg Config) (*Validator, error) {
	cloud := tenant.CloudGlobal
	if cfg.Cloud != "" {
		c, err := tenant.ParseCloud(string(cfg.Cloud))
		if err != nil {
			return nil, err
		}
		cloud = c
	}
	ep := cloud.Endpoints()
	v := &Validator{cloud: cloud, authority: ep.AuthorityHost, graph: ep.GraphURL, timeout: cfg.Timeout, now: cfg.Now, log: cfg.Log}
	if cfg.AuthorityHost != "" {
		u, err := checkBaseURL("authority host", cfg.AuthorityHost, false)
		if err != nil {
			return nil, err
		}
		v.authority = u
	}
	if cfg.GraphURL != "" {
		u, err := checkBaseURL("Graph URL", cfg.GraphURL, true)
		if err != nil {
			return nil, err
		}
		v.graph = u
	}
	if v.timeout < 0 {
		return nil, &tenant.RuleError{Field: "timeout", Rule: "the timeout must be positive"}
	}
	if v.timeout == 0 {
		v.timeout = DefaultTimeout
	}
	if v.now == nil {
		v.now = time.Now
	}
	if cfg.HTTPClient == nil {
		v.http = defaultHTTPClient()
	} else {
		c := *cfg.HTTPClient
		base := c.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		if _, ok := base.(*retryTransport); !ok {
			c.Transport = &retryTransport{base: base}
		}
		v.http = &c
	}
	v.tokens = newAcquirer(v.http)
	return v, nil
}

// checkBaseURL accepts an https URL; the authority host may not carry a
// path, since MSAL reads the tenant from the authority's first segment.
func checkBaseURL(field, s string, pathOK bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", &tenant.RuleError{Field: field, Rule: fmt.Sprintf("the %s must be an https:// URL such as https://login.microsoftonline.com (got %q)", field, s)}
	}
	p := strings.TrimSuffix(u.Path, "/")
	if p != "" && !pathOK {
		return "", &tenant.RuleError{Field: field, Rule: fmt.Sprintf("the %s must be a bare https://host[:port] without a path (got %q)", field, s)}
	}
	return "https://" + u.Host + p, nil
}

// Validate never returns nil: every failure is a failed Check inside the report.
// progress (may be nil) receives each check as it completes; calls are never concurrent.
func (v *Validator) Validate(ctx context.Context, c tenant.Credentials, progress func(tenant.Check)) *tenant.ValidationReport {
	started := time.Now()
	r := &tenant.ValidationReport{At: v.now(), Cloud: string(v.cloud), ClientID: strings.TrimSpace(c.ClientID), SecretHint: safeHint(c.Secret), Roles: []string{}, Permissions: []string{}}
	add := func(ch tenant.Check) {
		if ch.Group == "" {
			ch.Group = tenant.GroupOf(ch.Name)
		}
		ch = scrubCheck(ch, c.Secret)
		r.Add(ch)
		if progress != nil {
			progress(ch)
		}
	}
	defer func() {
		r.Elapsed = time.Since(started)
		scrubReport(r, c.Secret)
		v.debug("validation done", "tenant", r.TenantID, "client", r.ClientID, "secret", c.Secret,
			"status", string(r.Status), "aadsts", r.AADSTS, "correlation", r.CorrelationID, "elapsed", r.Elapsed)
	}()

	// Input rules first: nothing leaves the process for input that breaks them.
	tenantIn, tenantIsGUID, err := tenant.ParseTenantID(c.TenantID)
	if err == nil {
		r.ClientID, err = tenant.ParseClientID(c.ClientID)
	}
	if err == nil && c.Secret.IsZero() {
		err = &tenant.RuleError{Field: "client secret", Rule: "the client secret is required"}
	}
	var admin string
	if err == nil {
		admin, err = tenant.CleanAdminUPN(c.AdminUPN)
	}
	if err != nil {
		add(tenant.Check{Name: tenant.CheckInput, Status: tenant.StatusFail, Detail: err.Error(), Fix: "Correct the field and validate again; nothing was sent to Microsoft."})
		return r
	}

	ctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	trace := &retryLog{}
	ctx = withRetryLog(ctx, trace)

	// 1. The token: proves the secret works now.
	scope := v.graph + "/.default"
	token, err := v.tokens.acquire(ctx, v.authority, tenantIn, r.ClientID, c.Secret, scope)
	retries, waited := trace.count()
	if err != nil {
		f := explainToken(ctx, err, tokenContext{Cloud: v.cloud, AuthorityHost: v.authority, Tenant: tenantIn, ClientID: r.ClientID, Timeout: v.timeout, Retries: retries})
		r.AADSTS, r.TraceID, r.CorrelationID = f.AADSTS, f.TraceID, f.CorrelationID
		v.debug("token request failed", "tenant", tenantIn, "client", r.ClientID, "aadsts", f.AADSTS, "error", scrub(plainError(err), c.Secret))
		add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail, Detail: f.Detail, Fix: f.Fix})
		return r
	}
	claims, err := decodeClaims(token)
	if err != nil {
		add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail,
			Detail: "Entra ID issued a token but it could not be read (" + err.Error() + "): something between this computer and Entra ID may have changed the answer.",
			Fix:    "Validate again; if it keeps failing, check HTTPS_PROXY and --authority-host."})
		return r
	}
	tid, _ := tenant.ParseGUID(claims.TenantID)
	if tid == "" {
		add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail, Detail: "The token Entra ID issued names no tenant (no tid claim).", Fix: "Check --authority-host: it must be Entra ID (or a faithful proxy)."})
		return r
	}
	if tenantIsGUID && tid != tenantIn {
		add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail,
			Detail: fmt.Sprintf("The token is for tenant %s, not for the tenant typed (%s).", tid, tenantIn),
			Fix:    "Copy the Tenant ID again from " + whereTenantID + " of the customer's tenant."})
		return r
	}
	if got, _ := tenant.ParseGUID(claims.Client()); got != r.ClientID {
		add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail,
			Detail: fmt.Sprintf("The token was issued to application %q, not to the Application ID typed (%s).", claims.Client(), r.ClientID),
			Fix:    "Copy the Application (client) ID again from " + wherePortalApp + " > Overview."})
		return r
	}
	r.TenantID = tid
	r.Permissions = append([]string{}, claims.Roles...)
	sort.Strings(r.Permissions)
	r.AppName = claims.AppName
	detail := fmt.Sprintf("Entra ID issued an app-only token for tenant %s: the secret works.", tid)
	if retries > 0 {
		detail += fmt.Sprintf(" (Throttled %d time(s); waited %s as asked.)", retries, waited.Round(time.Millisecond))
	}
	add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusPass, Detail: detail})
	v.debug("token issued", "tenant", tid, "client", r.ClientID, "roles", len(claims.Roles))

	// 2. What the token's roles grant.
	add(permissionsCheck(claims.Roles, r.AppName))

	// 3. The Graph wave, in parallel.
	facts := v.graphWave(ctx, token, r.ClientID, claims.ObjectID, admin)
	if errors.Is(ctx.Err(), context.Canceled) {
		add(tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusFail, Detail: "The validation was cancelled while reading the tenant's facts from Microsoft Graph.", Fix: "Run Validate Authentication again when ready."})
		return r
	}
	if facts.appRes.ok() && facts.app.DisplayName != "" {
		r.AppName = facts.app.DisplayName
	}
	now := v.now()
	add(v.tenantCheck(ctx, r, facts))
	add(v.secretCheck(ctx, r, facts, c.Secret, now))
	add(v.roleCheck(ctx, r, facts))
	if facts.askUser {
		add(v.adminCheck(ctx, r, facts, admin))
	}
	return r
}

func (v *Validator) debug(msg string, args ...any) {
	if v.log != nil {
		v.log.Debug(msg, args...)
	}
}

// ValidateMany validates services with at most `concurrency` in flight; `each` is called
// (never concurrently) with every service and its report as it finishes; it stops
// starting new ones when ctx is cancelled (reports already delivered stay delivered).
// Validations cut short by the cancellation are not delivered: their report
// would say nothing about the credentials.
func (v *Validator) ValidateMany(ctx context.Context, services []tenant.Service, concurrency int, each func(tenant.Service, *tenant.ValidationReport)) {
	if concurrency < 1 {
		concurrency = 1
	}
	sem := make(chan struct{}, concurrency)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for _, s := range services {
		select {
		case <-ctx.Done():
		case sem <- struct{}{}:
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(s tenant.Service) {
			defer wg.Done()
			defer func() { <-sem }()
			rep := v.Validate(ctx, tenant.CredentialsOf(s), nil)
			if ctx.Err() != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if each != nil {
				each(s, rep)
			}
		}(s)
	}
	wg.Wait()
}

// safeHint is the secret's hint, or nothing when the "secret" is so short
// that its first three characters are all of it.
func safeHint(s tenant.Secret) string {
	if utf8.RuneCountInString(s.Reveal()) <= 3 {
		return ""
	}
	return s.Hint()
}

// scrub replaces the secret, should it ever appear, by its masked form.
// (A secret of three characters or fewer is never shown as a hint, and
// masking every such substring would garble the words.)
func scrub(s string, secret tenant.Secret) string {
	if v := secret.Reveal(); utf8.RuneCountInString(v) > 3 && strings.Contains(s, v) {
		return strings.ReplaceAll(s, v, secret.Masked())
	}
	return s
}

func scrubCheck(c tenant.Check, secret tenant.Secret) tenant.Check {
	c.Name, c.Detail, c.Fix = scrub(c.Name, secret), scrub(c.Detail, secret), scrub(c.Fix, secret)
	return c
}

// scrubReport masks the secret in every text of a report that came from
// an answer rather than from this package's own words: the trace and
// correlation IDs of an error body, names read from the token and Graph.
// Entra ID never echoes a secret, but a proxy or test double that answers
// with the request it was sent would otherwise put it in the report, the
// database and --json. (The checks are scrubbed as they are added, since
// progress sees them live.)
func scrubReport(r *tenant.ValidationReport, secret tenant.Secret) {
	for _, p := range []*string{&r.TraceID, &r.CorrelationID, &r.AADSTS, &r.TenantID, &r.TenantName,
		&r.InitialDomain, &r.DefaultDomain, &r.AppName} {
		*p = scrub(*p, secret)
	}
	for _, list := range [][]string{r.Roles, r.Permissions} {
		for i := range list {
			list[i] = scrub(list[i], secret)
		}
	}
	if a := r.Admin; a != nil {
		a.ID, a.UserPrincipalName, a.DisplayName = scrub(a.ID, secret), scrub(a.UserPrincipalName, secret), scrub(a.DisplayName, secret)
	}
}
