package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"onboard/store/seal"
	"onboard/store/storetest"
	"onboard/tenant/usecase"
)

// db check names each damaged report once, by its service: a last
// validation (read with its service) and an older report (read with the
// history), and counts every report.
func TestCheckNamesEachDamagedReportOnce(t *testing.T) {
	sc := newSchema(t)
	key, _ := newKey(t)
	st := sc.open(t, seal.NewKeyring(key), storetest.Engineer)
	storetest.Fill(t, st, 5, 2) // 4 services with 2 reports, one pending
	history := pgx.Identifier{sc.name, "history"}.Sanitize()
	services := pgx.Identifier{sc.name, "services"}.Sanitize()
	damage := `update ` + history + ` set report = '{"v":1,"at":7}' where id `
	sc.exec(t, damage+`= (select last_report from `+services+` where key = 'svc-00000')`)
	sc.exec(t, damage+`= (select min(id) from `+history+` h join `+services+` s on s.key = h.service_key
		where s.key = 'svc-00001' and h.id <> s.last_report)`)
	res, err := st.Check(context.Background())
	if err != nil || res.Services != 5 || res.Reports != 8 || len(res.Problems) != 2 {
		t.Fatalf("check: %+v %v", res, err)
	}
	for i, want := range []string{"service svc-00000", "validation report "} {
		p := res.Problems[i]
		if !strings.HasPrefix(p.Record, want) || !strings.Contains(p.String(), "svc-0000") || !errors.Is(p.Err, usecase.ErrDamaged) {
			t.Errorf("problem %d: %s; want %s… damaged", i, p, want)
		}
	}
}
