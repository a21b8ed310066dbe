package usecase_test

import (
	"testing"
	"time"

	"onboard/tenant"
	"onboard/tenant/entra"
	"onboard/tenant/entrasim"
	"onboard/tenant/usecase"
)

// BenchmarkDemoCreateApp measures the demo's whole path as `onboard
// --demo` sets it up — the admin signs in by itself 5 s after the code is
// shown, the new secret is refused once while it "replicates", the first
// wait before validating again is the default 2 s — from the code shown
// to the service saved, and counts the requests of one creation:
//
//	go test -run '^$' -bench DemoCreateApp -benchtime 1x ./tenant/usecase/
func BenchmarkDemoCreateApp(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := newRig(b, entrasim.Demo(testNow))
		r.srv.SetReplicationLag(1)
		cr, err := entra.NewCreator(r.v, "")
		if err != nil {
			b.Fatal(err)
		}
		cases := usecase.New(r.st, r.v, usecase.Options{Now: nowFn, Creator: usecase.SignInWith(cr.SignIn)})
		var shown time.Time
		var writes, reads int
		watch := usecase.CreateProgress{
			Code: func(tenant.DeviceCode) { shown = time.Now(); r.srv.ResetCounts() },
			Step: func(s tenant.CreationStep) {
				if s.Name == tenant.StepSecret {
					writes = r.srv.Count(entrasim.KindGraph)
				}
			},
		}
		b.StartTimer()
		a, err := cases.CreateApp(b.Context(), usecase.NewApp{TenantID: "tailwindtraders.onmicrosoft.com", ServiceName: "tw-bench"}, watch)
		if err != nil {
			b.Fatal(err)
		}
		cr2 := a.Credentials
		_, err = cases.Create(usecase.NewService{Input: tenant.ServiceInput{Customer: "Tailwind Traders", Name: "tw-bench", License: "pro", Users: "10",
			UseKnownApp: true, TenantID: cr2.TenantID, ClientID: cr2.ClientID, Secret: cr2.Secret.Reveal(), AdminUser: cr2.AdminUPN}, NewCustomer: true, Report: a.Report})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		c := r.srv.Counts()
		reads = c[entrasim.KindGraph] - writes
		b.ReportMetric(time.Since(shown).Seconds(), "s-code-to-saved")
		b.ReportMetric(float64(writes), "graph-creating")
		b.ReportMetric(float64(reads), "graph-validating")
		b.ReportMetric(float64(c[entrasim.KindToken]), "token-requests")
		b.ReportMetric(float64(a.Validations), "validations")
	}
}
