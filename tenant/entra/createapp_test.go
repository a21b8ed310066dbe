package entra_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

const (
	tailwind  = "tailwindtraders.onmicrosoft.com"
	wideWorld = "wideworldimporters.onmicrosoft.com"
)

// signInRig is the demo directory where every device code waits for the
// test: nobody signs in by itself.
func signInRig(t *testing.T) *rig {
	t.Helper()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	d := entrasim.Demo(now)
	d.Now = func() time.Time { return now }
	for i := range d.Tenants {
		d.Tenants[i].DeviceSignIn = nil
	}
	return newRig(t, d, now)
}

func (r *rig) creator(clientID string) *entra.Creator {
	r.t.Helper()
	c, err := entra.NewCreator(r.validator(), clientID)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// signIn signs in to tenantID through MSAL's public client, doing with
// the code shown what the admin does (act), and returns the session or
// the sign-in's error.
func (r *rig) signIn(ctx context.Context, tenantID string, act func(code tenant.DeviceCode)) (*entra.AdminSession, error) {
	r.t.Helper()
	var shown []tenant.DeviceCode
	s, err := r.creator("").SignIn(ctx, tenantID, func(c tenant.DeviceCode) {
		shown = append(shown, c)
		act(c)
	})
	if len(shown) != 1 {
		r.t.Fatalf("the code was shown %d times", len(shown))
	}
	if c := shown[0]; c.VerificationURL != entrasim.VerificationURL || len(c.UserCode) != 9 || !c.ExpiresAt.After(time.Now().Add(14*time.Minute)) {
		r.t.Errorf("code shown: %+v", c)
	}
	return s, err
}

func (r *rig) signInAs(upn string) func(tenant.DeviceCode) {
	return func(c tenant.DeviceCode) {
		if err := r.srv.SignIn(c.UserCode, upn); err != nil {
			r.t.Error(err)
		}
	}
}

// create runs every creation step as the use case does, stopping at the
// first failure.
func create(ctx context.Context, s *entra.AdminSession, app *tenant.CreatedApp) (tenant.Secret, error) {
	if err := createAllButSecret(ctx, s, app); err != nil {
		return tenant.Secret{}, err
	}
	return s.AddSecret(ctx, app, time.Date(2027, 11, 25, 12, 0, 0, 0, time.UTC))
}

// createAllButSecret runs the creation steps before the client secret.
func createAllButSecret(ctx context.Context, s *entra.AdminSession, app *tenant.CreatedApp) error {
	for _, step := range []func(context.Context, *tenant.CreatedApp) error{s.CreateApplication, s.CreateServicePrincipal, s.GrantPermissions, s.AssignRole} {
		if err := step(ctx, app); err != nil {
			return err
		}
	}
	return nil
}

// The whole path through MSAL Go's public client: the device code, the
// admin's sign-in, eight Graph writes, and the new credentials pass
// validation.
func TestCreateAppThroughMSAL(t *testing.T) {
	r := signInRig(t)
	ctx := t.Context()
	s, err := r.signIn(ctx, tailwind, r.signInAs("admin@tailwindtraders.com"))
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if a := s.Admin(); a.UPN != "admin@tailwindtraders.com" || a.TenantID != "6a0b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c72" {
		t.Errorf("admin %+v", a)
	}
	r.srv.ResetCounts()
	app := &tenant.CreatedApp{DisplayName: tenant.AppDisplayName("tw-dr1")}
	secret, err := create(ctx, s, app)
	if err != nil {
		t.Fatalf("create: %v (created %v)", err, app.Objects())
	}
	if c := r.srv.Counts(); c[entrasim.KindGraph] != 8 || c[entrasim.KindToken] != 0 {
		t.Errorf("requests to create the app: %v, want 8 Graph and no token", c)
	}
	if app.AppID == "" || app.ServicePrincipalID == "" || len(app.Permissions) != 3 || app.Role != "Teams Administrator" ||
		app.SecretExpiresAt == nil || !app.SecretExpiresAt.Equal(time.Date(2027, 11, 25, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("created %+v", app)
	}
	if len(secret.Reveal()) != 40 {
		t.Errorf("secret of %d characters", len(secret.Reveal()))
	}
	s.Close()
	rep := r.validate(ctx, tenant.Credentials{TenantID: s.Admin().TenantID, ClientID: app.AppID, Secret: secret, AdminUPN: s.Admin().UPN})
	if rep.Status != tenant.StatusPass {
		t.Errorf("the created app does not pass:\n%s", dump(rep))
	}
	// The admin's token is gone with Close.
	if err := s.CreateServicePrincipal(ctx, app); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("a write after Close: %v", err)
	}
	if strings.Contains(r.log.String(), secret.Reveal()) {
		t.Error("the new secret is in the log")
	}
}

// An Application Administrator creates the app and its service principal;
// admin consent is refused with the right that is missing; what was
// created is removed.
func TestCreateAppWithoutTheRights(t *testing.T) {
	r := signInRig(t)
	ctx := t.Context()
	s, err := r.signIn(ctx, wideWorld, r.signInAs("admin@wideworldimporters.com"))
	if err != nil {
		t.Fatal(err)
	}
	app := &tenant.CreatedApp{DisplayName: tenant.AppDisplayName("ww-dr1")}
	_, err = create(ctx, s, app)
	var ce *tenant.CreateError
	if !errors.As(err, &ce) || ce.Step != tenant.StepConsent || ce.MissingRight != "Privileged Role Administrator or Global Administrator" ||
		ce.Code != "Authorization_RequestDenied" || !strings.Contains(ce.Detail, "admin@wideworldimporters.com") || !strings.Contains(ce.Fix, "Roles & admins") {
		t.Fatalf("consent by an Application Administrator: %#v", err)
	}
	if !app.Any() || app.ServicePrincipalID == "" || len(app.Permissions) != 0 {
		t.Errorf("created before the refusal: %+v", app)
	}
	removed, err := s.Remove(ctx, *app)
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v: %v", removed, err)
	}
	r.srv.Update(func(d *entrasim.Directory) {
		if n := len(tenantOf(d, "Wide World").Apps); n != 0 {
			t.Errorf("%d App registrations left", n)
		}
	})
}

// The sign-in that does not complete: declined, expired, cancelled, an
// unknown tenant, an unknown sign-in app. Nothing is created, every
// failure is worded.
func TestSignInRefusals(t *testing.T) {
	r := signInRig(t)
	cases := []struct {
		name   string
		tenant string
		act    func(ctx context.CancelFunc) func(tenant.DeviceCode)
		code   string
		want   string
	}{
		{"declined", tailwind, func(context.CancelFunc) func(tenant.DeviceCode) {
			return func(c tenant.DeviceCode) { _ = r.srv.Decline(c.UserCode) }
		}, "AADSTS65004", "declined the sign-in"},
		{"expired", tailwind, func(context.CancelFunc) func(tenant.DeviceCode) {
			return func(tenant.DeviceCode) { r.srv.ExpireDeviceCodes() }
		}, "AADSTS70019", "code expired"},
		{"cancelled", tailwind, func(cancel context.CancelFunc) func(tenant.DeviceCode) {
			return func(tenant.DeviceCode) { cancel() }
		}, "", "cancelled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			_, err := r.signIn(ctx, c.tenant, c.act(cancel))
			var ce *tenant.CreateError
			if !errors.As(err, &ce) || ce.Step != tenant.StepSignIn || ce.Code != c.code || !strings.Contains(ce.Detail, c.want) ||
				!strings.Contains(ce.Detail, "nothing was created") || ce.Cancelled != (c.name == "cancelled") {
				t.Errorf("%#v", err)
			}
		})
	}
	_, err := r.creator("").SignIn(t.Context(), "nowhere.onmicrosoft.com", func(tenant.DeviceCode) { t.Error("a code for an unknown tenant") })
	var ce *tenant.CreateError
	if !errors.As(err, &ce) || ce.Code != "AADSTS90002" {
		t.Errorf("unknown tenant: %#v", err)
	}
	_, err = r.creator("11111111-2222-4333-8444-555555555555").SignIn(t.Context(), tailwind, nil)
	if !errors.As(err, &ce) || ce.Code != "AADSTS700016" || !strings.Contains(ce.Fix, "--signin-client-id") {
		t.Errorf("unknown sign-in app: %#v", err)
	}
	if _, err := entra.NewCreator(r.validator(), "not-a-guid"); !tenant.IsRuleError(err) {
		t.Errorf("a sign-in client ID that is no GUID: %v", err)
	}
	if n := r.srv.Count(entrasim.KindGraph); n != 0 {
		t.Errorf("%d Graph requests without a signed-in admin", n)
	}
}

// The client secret addPassword answers with goes to the caller alone:
// not into the error of an answer that cannot be used, the debug log, or
// a later refusal that echoes it back in any encoding.
func TestCreatedSecretOnlyGoesToTheCaller(t *testing.T) {
	r := signInRig(t)
	ctx := t.Context()
	s, err := r.signIn(ctx, tailwind, r.signInAs("admin@tailwindtraders.com"))
	if err != nil {
		t.Fatal(err)
	}
	app := &tenant.CreatedApp{DisplayName: tenant.AppDisplayName("tw-dr1")}
	if err := createAllButSecret(ctx, s, app); err != nil {
		t.Fatal(err)
	}
	secret := entra.LeakySecret
	answer, _ := json.Marshal(map[string]any{"secretText": secret, "hint": secret[:3], "endDateTime": "2027-11-25T12:00:00Z"}) // no keyId
	r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/addPassword", Body: string(answer), Times: 1})
	got, err := s.AddSecret(ctx, app, time.Date(2027, 11, 25, 12, 0, 0, 0, time.UTC))
	var ce *tenant.CreateError
	if !errors.As(err, &ce) || ce.Step != tenant.StepSecret || !got.IsZero() {
		t.Fatalf("an answer without keyId: %v, %v", got, err)
	}
	texts := map[string]string{"unusable answer": fmt.Sprintf("%s %#v", err, err)}
	for name, enc := range entra.Encodings {
		echo := "client_secret=" + enc(secret)
		refusal, _ := json.Marshal(map[string]any{"error": map[string]any{"code": "Request_BadRequest " + echo, "message": "Bad request: " + echo,
			"innerError": map[string]any{"request-id": echo, "date": "2026-11-25T12:00:00"}}})
		r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindGraph, PathContains: "/servicePrincipals/", Status: 400, Body: string(refusal), Times: 1})
		_, err := s.Remove(ctx, *app)
		if !errors.As(err, &ce) || ce.Step != tenant.StepRemoval {
			t.Fatalf("%s: removal refused with an echo: %v", name, err)
		}
		texts["echoed as "+name] = fmt.Sprintf("%s %#v", err, err)
	}
	texts["log"] = r.log.String()
	for where, text := range texts {
		if l := entra.Leaks(text, secret); len(l) > 0 {
			t.Errorf("the created secret leaks in %s as %v", where, l)
		}
	}
}

// What Entra ID says during the admin's sign-in is cleaned where it
// enters: the code and the page to open, and the admin's name.
func TestSignInAnswersAreCleaned(t *testing.T) {
	r := signInRig(t)
	answer, _ := json.Marshal(map[string]any{"user_code": "AB\x1b[2JCD\u202eEF", "device_code": "not-a-code", "verification_uri": "javascript:alert(1)\x1b]8;;",
		"expires_in": 900, "interval": 1, "message": hostile})
	r.srv.AddFault(entrasim.Fault{Kind: entrasim.KindDeviceCode, Body: string(answer), Times: 1})
	var shown tenant.DeviceCode
	_, err := r.creator("").SignIn(t.Context(), tailwind, func(c tenant.DeviceCode) { shown = c })
	if shown.UserCode != "ABCDEF" || shown.VerificationURL != "https://microsoft.com/devicelogin" {
		t.Errorf("code shown: %+v", shown)
	}
	// Its device code is not one Entra ID handed out: the poll is
	// refused with bad_verification_code.
	var ce *tenant.CreateError
	if !errors.As(err, &ce) || ce.Code != "AADSTS70018" || !strings.Contains(ce.Detail, "no longer knows the sign-in code") ||
		unsafe(ce.Detail+ce.Fix+ce.Code+ce.RequestID) != "" {
		t.Errorf("a code Entra ID does not know: %#v", err)
	}

	const upn = "admin@tailwindtraders.com"
	r.srv.Update(func(d *entrasim.Directory) {
		tenantOf(d, "Tailwind").Users[0].UserPrincipalName = "\x1b]8;;https://evil.example/\x07" + upn + "\u202e"
	})
	s, err := r.signIn(t.Context(), tailwind, func(c tenant.DeviceCode) {
		if err := r.srv.SignIn(c.UserCode, "\x1b]8;;https://evil.example/\x07"+upn+"\u202e"); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Admin().UPN != upn {
		t.Errorf("admin %q, want %q", s.Admin().UPN, upn)
	}
}
