package entra_test

import (
	"context"
	"fmt"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
)

// Validate Authentication against the simulated directory, as the tests of
// every package and `onboard --demo` do.
func ExampleValidator_Validate() {
	now := time.Now()
	srv, err := entrasim.Start(entrasim.Demo(now))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	v, err := entra.NewValidator(entra.Config{AuthorityHost: srv.AuthorityHost(), GraphURL: srv.GraphURL(), HTTPClient: srv.Client(),
		SBCDomain: entrasim.DemoSBCDomain})
	if err != nil {
		panic(err)
	}
	d := entrasim.DemoTenants(now)[0] // Contoso (healthy)
	report := v.Validate(context.Background(), tenant.Credentials{
		TenantID: d.TenantID, ClientID: d.ClientID, Secret: tenant.NewSecret(d.Secret), AdminUPN: d.AdminUPN,
	}, func(c tenant.Check) { fmt.Println(c.Status.Symbol(), c.Name) })
	fmt.Println(report.Status, report.TenantName, report.InitialDomain, *report.DaysUntilExpire, report.SecretHint)
	// Output:
	// ✓ Token
	// ✓ Tenant
	// ✓ Secret expiry
	// ✓ Admin user
	// ✓ Teams admin API token
	// ✓ Entra role
	// ✓ Graph permissions
	// ✓ SBC domain
	// ✓ Teams Phone licence
	// pass Contoso Ltd contoso.onmicrosoft.com 400 Xq8
}
