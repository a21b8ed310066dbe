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
	// SBCDomain is the provider's base domain for the customers' SBC
	// sub-domains (e.g. sbc.provider.example, from --sbc-domain or
	// ONBOARD_SBC_DOMAIN): readiness then requires a verified sub-domain
	// of it in the tenant. "" = no domain check.
	SBCDomain string
	// Log receives one debug line per step (never the secret); nil = none.
	Log *slog.Logger
	// CacheDir holds the HTTP cache of what Entra ID marks cacheable (the
	// tenants' OpenID configuration), shared by every process that names
	// the same directory (DefaultCacheDir; cache.go). "" = no cache.
	CacheDir string
}

// DefaultTimeout bounds one validation when Config.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Validator runs Validate Authentication (docs/validation.md). It is safe for
// concurrent use; keep one per process so the HTTP connections and the
// tenants' OpenID metadata are reused.
type Validator struct {
	cloud     tenant.Cloud
	authority string
	graph     string
	sbcDomain string
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
	if cfg.SBCDomain != "" {
		d, ok := tenant.UntrustedDomain(strings.TrimPrefix(strings.TrimSpace(cfg.SBCDomain), "."))
		if !ok {
			return nil, &tenant.RuleError{Field: "SBC domain", Rule: fmt.Sprintf("the SBC domain must be a domain name such as sbc.provider.example (got %q)", cfg.SBCDomain)}
		}
		v.sbcDomain = d
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
		if ct, ok := base.(*cacheTransport); ok {
			base = ct.next // another validator's client: its cache is not ours
		}
		if _, ok := base.(*retryTransport); !ok {
			base = &retryTransport{base: base}
		}
		c.Transport = base
		v.http = &c
	}
	if cfg.CacheDir != "" {
		c := *v.http
		c.Transport = newCacheTransport(cfg.CacheDir, c.Transport, v.debug)
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

// The resources a validation asks tokens for. Graph's is the cloud's
// (tenant.Cloud.Endpoints().GraphURL), never --graph-url's. The Skype and
// Teams Tenant Admin API is the second resource Teams PowerShell takes a
// token for (Connect-MicrosoftTeams -AccessTokens), the one Direct Routing
// is configured through; its app ID is the same in every cloud.
const teamsAdminAPIScope = teamsAdminAPIAppID + "/.default"

// tokenOutcome is one token request's result.
type tokenOutcome struct {
	token   string
	err     error
	retries int
	waited  time.Duration
}

// Validate never returns nil: every failure is a failed Check inside the report.
// progress (may be nil) receives each check as it completes; calls are never concurrent.
//
// Round trips: the tenant's OpenID metadata (once per tenant and process;
// with Config.CacheDir, once per tenant for as long as Entra ID lets it be
// kept, across processes), then both tokens at once, then one parallel
// Graph wave.
func (v *Validator) Validate(ctx context.Context, c tenant.Credentials, progress func(tenant.Check)) *tenant.ValidationReport {
	started := time.Now()
	z := newSanitizer(c.Secret)
	// Roles and Permissions stay nil (unknown) until read: [] means none.
	r := &tenant.ValidationReport{At: v.now(), Cloud: string(v.cloud), ClientID: strings.TrimSpace(c.ClientID), SecretHint: c.Secret.Hint()}
	add := func(ch tenant.Check) {
		ch.Group = ch.InGroup() // progress sees it before Add would set it
		z.strings(&ch, checkTextMax)
		r.Add(ch)
		if progress != nil {
			progress(ch)
		}
	}
	defer func() {
		r.Elapsed = time.Since(started)
		// Everything in the report passed through the sanitizer where it
		// entered; once more, whole, in case a text was composed from
		// pieces.
		z.strings(r, checkTextMax)
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
	// The Graph token and the Graph wave share one retry budget (and log);
	// the Teams admin API token, running beside them, has its own.
	pastMetadata := make(chan struct{})
	ctx = withRetryLog(ctx, &retryLog{pastMetadata: pastMetadata})
	tc := tokenContext{Cloud: v.cloud, AuthorityHost: v.authority, Tenant: tenantIn, ClientID: r.ClientID, Timeout: v.timeout, San: z}

	// Both tokens at once. The Teams admin API token runs beside the
	// Graph one (and beside the Graph wave that follows it), with a retry
	// log of its own, so its retries and stage are its own. It sets off
	// as the Graph token request is sent: MSAL (the same client) then
	// has the tenant's metadata, so it is asked for once, even when Entra
	// ID refuses it (a refusal MSAL does not keep); if the Graph token
	// fails before that, the Teams admin API one is not asked for.
	teamsCtx, cancelTeams := context.WithCancel(ctx)
	defer cancelTeams()
	teamsDone := make(chan tokenOutcome, 1)
	graphDone := make(chan struct{})
	go func() {
		select {
		case <-pastMetadata:
		case <-graphDone:
		}
		if err := teamsCtx.Err(); err != nil {
			teamsDone <- tokenOutcome{err: err}
			return
		}
		teamsDone <- v.acquire(withRetryLog(teamsCtx, &retryLog{}), tenantIn, r.ClientID, c.Secret, teamsAdminAPIScope)
	}()
	// The Graph token is for the cloud's Microsoft Graph resource,
	// whatever --graph-url says: an override only says where requests go,
	// and Entra ID answers AADSTS500011 for a resource it does not know.
	graph := v.acquire(ctx, tenantIn, r.ClientID, c.Secret, v.cloud.Endpoints().GraphURL+"/.default")
	if graph.err != nil {
		cancelTeams()
	}
	close(graphDone)
	if graph.err != nil {
		<-teamsDone
		tc.Retries = graph.retries
		f := explainToken(ctx, graph.err, tc)
		r.AADSTS, r.TraceID, r.CorrelationID = f.AADSTS, f.TraceID, f.CorrelationID
		v.debug("token request failed", "tenant", tenantIn, "client", r.ClientID, "aadsts", f.AADSTS, "error", z.plain(graph.err))
		add(tenant.Check{Name: tenant.CheckToken, Status: tenant.StatusFail, Detail: f.Detail, Fix: f.Fix})
		return r
	}
	claims, cerr := decodeClaims(graph.token)
	opaque := cerr != nil
	if !opaque {
		z.strings(&claims, tenant.UntrustedNameMax)
		if ch, ok := v.tokenForWhom(claims, tenantIn, tenantIsGUID, r.ClientID); !ok {
			cancelTeams()
			<-teamsDone
			add(ch)
			return r
		}
		r.TenantID = strings.ToLower(claims.TenantID)
		r.Permissions = append([]string{}, claims.Roles...)
		sort.Strings(r.Permissions)
		r.AppName = claims.AppName
	} else if tenantIsGUID {
		// The permissions stay unknown: only the token lists them.
		r.TenantID = tenantIn
	}
	add(tokenCheck(r, opaque, graph))
	v.debug("token issued", "tenant", r.TenantID, "client", r.ClientID, "roles", len(claims.Roles), "opaque", opaque)

	// The Graph wave, in parallel. The roles come from the token's wids;
	// Graph is asked only when the token carries none.
	ask := graphAsk{clientID: r.ClientID, admin: admin, roles: opaque || claims.Wids == nil}
	if !opaque {
		ask.spID, _ = tenant.ParseGUID(claims.ObjectID)
	}
	facts := v.graphWave(ctx, z, graph.token, ask)
	if errors.Is(ctx.Err(), context.Canceled) {
		add(tenant.Check{Name: tenant.CheckTenant, Status: tenant.StatusFail, Detail: "The validation was cancelled while reading the tenant's facts from Microsoft Graph.", Fix: "Run Validate Authentication again when ready."})
		return r
	}
	teams := <-teamsDone
	if facts.appRes.ok() && facts.app.DisplayName != "" {
		r.AppName = facts.app.DisplayName
	}
	now := v.now()

	// Credentials: the secret works for this tenant and app.
	add(v.tenantCheck(ctx, z, r, facts, tenantIsGUID))
	add(v.secretCheck(ctx, z, r, facts, c.Secret, now))
	if admin != "" {
		add(v.adminCheck(ctx, z, r, facts, admin))
	}

	// Direct Routing readiness.
	add(v.teamsTokenCheck(ctx, r, teams, tc))
	if opaque {
		add(v.roleCheckFromGraph(ctx, z, r, facts))
		add(inferredPermissionsCheck(r, facts, admin != ""))
	} else {
		if claims.Wids != nil {
			add(roleCheckFromIDs(r, rolesFromWids(claims.Wids)))
		} else {
			add(v.roleCheckFromGraph(ctx, z, r, facts))
		}
		add(permissionsCheck(claims.Roles, r.AppName))
	}
	if v.sbcDomain != "" {
		add(v.domainCheck(ctx, z, r, facts))
	}
	add(v.licenceCheck(ctx, z, r, facts))
	return r
}

// acquire gets one token; the retries are those of ctx's retry log.
func (v *Validator) acquire(ctx context.Context, tenantIn, clientID string, secret tenant.Secret, scope string) tokenOutcome {
	tok, err := v.tokens.acquire(ctx, v.authority, tenantIn, clientID, secret, scope)
	var o tokenOutcome
	if l := retriesFrom(ctx); l != nil {
		o.retries, o.waited = l.count()
	}
	o.token, o.err = tok, err
	return o
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
			mu.Lock()
			defer mu.Unlock()
			// Checked under the lock: a cancel made by an earlier
			// delivery (each runs one at a time) stops this one too,
			// however its validation ended.
			if ctx.Err() != nil {
				return
			}
			if each != nil {
				each(s, rep)
			}
		}(s)
	}
	wg.Wait()
}
