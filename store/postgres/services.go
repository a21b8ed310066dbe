package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"onboard/store/internal/par"
	"onboard/store/seal"
	"onboard/tenant"
	"onboard/tenant/usecase"
)

// row is a service as stored: the service without its secret, with the
// last validation when it was read (the summary columns need it).
type row struct {
	svc    tenant.Service
	sealed []byte
	hint   string
	last   *int64 // the history row of the last validation
}

func (r row) keyID() *string {
	if r.sealed == nil {
		return nil
	}
	id := seal.KeyIDOf(r.sealed)
	return &id
}

// summary is what the summary columns hold.
func (r row) summary() tenant.Summary {
	sum := tenant.SummaryOf(r.svc)
	sum.HasSecret, sum.SecretHint = r.sealed != nil && r.svc.App.ClientID != "", r.hint
	return sum
}

// serviceSelect reads a service row and its customer's name; its last
// validation's JSON is the last column (null when there is none).
// serviceSelectNoReport reads the same with null for the report, for
// readers that do not need it (recording a validation) or read the whole
// history anyway (the inventory): a report is most of a row's bytes.
const (
	serviceFields = `s.name, c.name, s.full_name, s.license, s.users, s.m365_domain, s.state, s.tenant_id, s.client_id,
	s.admin_user, s.manual_expiry, s.sealed_secret, s.secret_hint, s.created_at, s.updated_at, s.updated_by, s.version, s.last_report`
	serviceSelect = `select ` + serviceFields + `, h.report
	from services s join customers c on c.key = s.customer_key left join history h on h.id = s.last_report`
	serviceSelectNoReport = `select ` + serviceFields + `, null::json from services s join customers c on c.key = s.customer_key`
)

// scanService reads one row of serviceSelect or serviceSelectNoReport;
// the report's JSON is returned undecoded (decoding is spread over the
// CPUs for a listing).
func scanService(r pgx.Row) (row, []byte, error) {
	var x row
	var report []byte
	a := &x.svc.App
	err := r.Scan(&x.svc.Name, &x.svc.Customer, &x.svc.FullName, &x.svc.License, &x.svc.Users, &x.svc.M365Domain, &x.svc.State,
		&a.TenantID, &a.ClientID, &a.AdminUser, &a.ManualExpiry, &x.sealed, &x.hint, &x.svc.CreatedAt, &x.svc.UpdatedAt,
		&x.svc.UpdatedBy, &x.svc.Version, &x.last, &report)
	return x, report, err
}

// getRow reads a service by name (ignoring case), its row locked for the
// transaction when lock is set, with its last validation.
func (s *Store) getRow(ctx context.Context, q querier, name string, lock bool) (row, error) {
	sql := serviceSelect + ` where s.key = $1`
	if lock {
		sql += ` for update of s`
	}
	x, report, err := scanService(q.QueryRow(ctx, sql, tenant.NameKey(strings.TrimSpace(name))))
	if errors.Is(err, pgx.ErrNoRows) {
		return row{}, usecase.NoService(name)
	}
	if err != nil {
		return row{}, err
	}
	if report != nil {
		r, err := decodeReport(x.svc.Name, *x.last, report)
		if err != nil {
			return row{}, err
		}
		x.svc.LastValidation = &r
	}
	return x, nil
}

// serviceColumns are the columns a service's write sets, in the order of
// rowArgs ($1 is the key).
var serviceColumns = []string{"name", "customer_key", "full_name", "license", "users", "m365_domain", "state", "tenant_id", "client_id",
	"admin_user", "manual_expiry", "sealed_secret", "key_id", "secret_hint", "created_at", "updated_at", "updated_by", "version",
	"last_report", "last_status", "last_at", "tenant_name", "app_name", "expires_at", "expiry_typed"}

func rowArgs(x row) []any {
	sum := x.summary()
	v := x.svc
	return []any{tenant.NameKey(v.Name), v.Name, tenant.NameKey(v.Customer), v.FullName, string(v.License), v.Users, v.M365Domain, string(v.State),
		v.App.TenantID, v.App.ClientID, v.App.AdminUser, v.App.ManualExpiry, x.sealed, x.keyID(), x.hint, v.CreatedAt, v.UpdatedAt,
		v.UpdatedBy, v.Version, x.last, string(sum.LastStatus), sum.LastAt, sum.TenantName, sum.AppName, sum.SecretExpiresAt, sum.ExpiryTyped}
}

var (
	insertService = func() string {
		params := make([]string, len(serviceColumns)+1)
		for i := range params {
			params[i] = fmt.Sprintf("$%d", i+1)
		}
		return "insert into services (key, " + strings.Join(serviceColumns, ", ") + ") values (" + strings.Join(params, ", ") + ")"
	}()
	// updateService rewrites a service's row ($1 its key).
	updateService = "update services set " + assignments(false) + " where key = $1"
	// updateServiceLast records a report ($27 at, $28 JSON) and makes it
	// the service's last validation, in one statement.
	updateServiceLast = "with h as (insert into history (service_key, at, report) values ($1, $27, $28) returning id) " +
		"update services set " + assignments(true) + " where key = $1"
)

func assignments(lastFromHistory bool) string {
	var set []string
	for i, c := range serviceColumns {
		v := fmt.Sprintf("$%d", i+2)
		if c == "last_report" && lastFromHistory {
			v = fmt.Sprintf("coalesce((select id from h), $%d::bigint)", i+2)
		}
		set = append(set, c+" = "+v)
	}
	return strings.Join(set, ", ")
}

// saveLast writes a service's row with report r (encoded as js) appended
// to its history as its last validation.
func saveLast(ctx context.Context, q querier, x row, r tenant.ValidationReport, js []byte) error {
	args := append(rowArgs(x), r.At, js)
	_, err := q.Exec(ctx, updateServiceLast, args...)
	return err
}

// customerOf finds the customer a service is to belong to and returns its
// name as stored. A missing customer is bad input as well as not found.
func customerOf(ctx context.Context, q querier, name string) (string, error) {
	clean, err := tenant.CleanCustomerName(name)
	if err != nil {
		return "", err
	}
	c, err := getCustomer(ctx, q, clean, false)
	if errors.Is(err, usecase.ErrNotFound) {
		return "", usecase.MissingCustomer(clean)
	}
	if err != nil {
		return "", err
	}
	return c.Name, nil
}

// sealed seals a secret for a row (nothing when there is none).
func (s *Store) sealInto(x *row, secret tenant.Secret) error {
	x.svc.App.Secret = tenant.Secret{}
	x.sealed, x.hint = nil, ""
	if secret.IsZero() {
		return nil
	}
	sealed, err := s.keys.Seal(x.svc.Name, secret)
	if err != nil {
		return err
	}
	x.sealed, x.hint = sealed, secret.Masked()
	return nil
}

// CreateService saves a new service (see usecase.ServiceStore). Broken
// rules, a taken name and a missing customer are *tenant.RuleError.
func (s *Store) CreateService(svc tenant.Service) error {
	now := s.stamp()
	svc, err := usecase.NewStored(svc, now, s.actor.Engineer)
	if err != nil {
		return err
	}
	x := row{svc: svc}
	if err := s.sealInto(&x, svc.App.Secret); err != nil {
		return err
	}
	var first []byte
	if r := svc.LastValidation; r != nil {
		if first, err = encodeReport(*r); err != nil {
			return fmt.Errorf("save service %s: its validation report: %w", svc.Name, err)
		}
	}
	err = s.write(func(ctx context.Context, tx pgx.Tx) error {
		return s.createService(ctx, tx, x, first, usecase.DescribeService(svc))
	})
	if isUnique(err) {
		return s.existingService(svc.Name)
	}
	if isForeignKey(err) {
		return usecase.MissingCustomer(svc.Customer)
	}
	return err
}

// createService inserts a service row (with its first report, encoded)
// inside a write transaction, and audits it with detail.
func (s *Store) createService(ctx context.Context, tx pgx.Tx, x row, first []byte, detail string) error {
	customer, err := customerOf(ctx, tx, x.svc.Customer)
	if err != nil {
		return err
	}
	x.svc.Customer = customer
	if _, err := tx.Exec(ctx, insertService, rowArgs(x)...); err != nil {
		return err
	}
	if first != nil {
		if err := saveLast(ctx, tx, x, *x.svc.LastValidation, first); err != nil {
			return err
		}
	}
	if x.sealed != nil {
		if err := s.noteKey(ctx, tx); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, x.svc.UpdatedAt, usecase.ActionServiceAdded, customer, x.svc.Name, detail)
}

// existingService names the service that holds a name as it is stored.
func (s *Store) existingService(typed string) error {
	ctx, cancel := s.ctx()
	defer cancel()
	var stored string
	if err := s.pool.QueryRow(ctx, `select name from services where key = $1`, tenant.NameKey(typed)).Scan(&stored); err == nil {
		return usecase.ServiceExists(stored)
	}
	return usecase.ServiceExists(typed)
}

// GetService finds a service by short name, ignoring case, with its secret
// unsealed and its last validation: one query.
func (s *Store) GetService(name string) (tenant.Service, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	x, err := s.getRow(ctx, s.pool, name, false)
	if err != nil {
		return tenant.Service{}, s.fail(err)
	}
	return s.unsealed(x)
}

// unsealed is the service of a row with its secret unsealed.
func (s *Store) unsealed(x row) (tenant.Service, error) {
	svc := x.svc
	if x.sealed != nil {
		secret, err := s.keys.Unseal(svc.Name, x.sealed)
		if err != nil {
			return tenant.Service{}, usecase.Errorf([]error{usecase.ErrCannotUnseal}, "%v", err)
		}
		svc.App.Secret = secret
	}
	return svc, nil
}

// ListSummaries returns every service's summary, sorted by short name
// ignoring case, from the summary columns: no report is read.
func (s *Store) ListSummaries() ([]tenant.Summary, error) {
	return read(s, func(ctx context.Context, tx pgx.Tx) ([]tenant.Summary, error) {
		var count int
		if err := tx.QueryRow(ctx, `select count(*) from services`).Scan(&count); err != nil {
			return nil, err
		}
		rows, err := tx.Query(ctx, `select s.name, s.full_name, c.name, s.license, s.users, s.state, s.tenant_id, s.client_id,
			s.sealed_secret is not null and s.client_id <> '', s.secret_hint, s.tenant_name, s.app_name, s.last_status, s.last_at,
			s.expires_at, s.expiry_typed, s.version
			from services s join customers c on c.key = s.customer_key order by s.key`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := make([]tenant.Summary, 0, count)
		intern := make(interned)
		fast := true
		for _, f := range rows.FieldDescriptions() {
			fast = fast && f.Format == pgx.BinaryFormatCode
		}
		for rows.Next() {
			var m tenant.Summary
			if fast {
				if err := summaryFromRaw(rows.RawValues(), &m, intern); err != nil {
					return nil, err
				}
			} else if err := rows.Scan(&m.Name, &m.FullName, &m.Customer, &m.License, &m.Users, &m.State, &m.TenantID, &m.ClientID,
				&m.HasSecret, &m.SecretHint, &m.TenantName, &m.AppName, &m.LastStatus, &m.LastAt, &m.SecretExpiresAt, &m.ExpiryTyped, &m.Version); err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, rows.Err()
	})
}

// summaryFromRaw decodes a row of ListSummaries' query from PostgreSQL's
// binary format directly: a listing of 100,000 services spends most of
// its time scanning, and this is several times faster than Scan's
// reflection over 17 columns.
func summaryFromRaw(v [][]byte, m *tenant.Summary, in interned) error {
	if len(v) != 17 || len(v[4]) != 4 || len(v[8]) != 1 || len(v[15]) != 1 || len(v[16]) != 8 {
		return fmt.Errorf("the summary row is not as expected")
	}
	m.Name, m.FullName, m.Customer = string(v[0]), in.of(v[1]), in.of(v[2])
	m.License, m.Users, m.State = tenant.License(in.of(v[3])), int(int32(binary.BigEndian.Uint32(v[4]))), tenant.ServiceState(in.of(v[5]))
	m.TenantID, m.ClientID, m.HasSecret, m.SecretHint = in.of(v[6]), in.of(v[7]), v[8][0] == 1, in.of(v[9])
	m.TenantName, m.AppName, m.LastStatus = in.of(v[10]), in.of(v[11]), tenant.Status(in.of(v[12]))
	m.LastAt, m.SecretExpiresAt = timestamptz(v[13]), timestamptz(v[14])
	m.ExpiryTyped, m.Version = v[15][0] == 1, int64(binary.BigEndian.Uint64(v[16]))
	return nil
}

// interned shares one string among the rows that hold the same text
// (customers, licenses, tenants, hints repeat across services): fewer
// allocations for a listing of 100,000.
type interned map[string]string

func (in interned) of(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := in[string(b)]; ok {
		return s
	}
	if len(in) > 50_000 {
		return string(b)
	}
	s := string(b)
	in[s] = s
	return s
}

// postgresEpoch is where PostgreSQL's binary timestamps count from.
var postgresEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// timestamptz decodes a binary timestamptz (microseconds since 2000);
// nil for NULL.
func timestamptz(v []byte) *time.Time {
	if len(v) != 8 {
		return nil
	}
	us := int64(binary.BigEndian.Uint64(v))
	t := postgresEpoch.Add(time.Duration(us/1e6) * time.Second).Add(time.Duration(us%1e6) * time.Microsecond).Local()
	return &t
}

// ListServices returns every service with its secret and last report,
// sorted by short name ignoring case. A service that cannot be read is
// named in Unreadable; the others are listed.
func (s *Store) ListServices() (usecase.Listing, error) {
	type got struct {
		x      row
		report []byte
	}
	all, err := read(s, func(ctx context.Context, tx pgx.Tx) ([]got, error) {
		rows, err := tx.Query(ctx, serviceSelect+` order by s.key`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []got
		for rows.Next() {
			x, report, err := scanService(rows)
			if err != nil {
				return nil, err
			}
			out = append(out, got{x, report})
		}
		return out, rows.Err()
	})
	if err != nil {
		return usecase.Listing{}, err
	}
	svcs := make([]tenant.Service, len(all))
	errs := make([]error, len(all))
	par.Each(len(all), func(i int) {
		g := all[i]
		if g.report != nil {
			r, err := decodeReport(g.x.svc.Name, *g.x.last, g.report)
			if err != nil {
				errs[i] = err
				return
			}
			g.x.svc.LastValidation = &r
		}
		svcs[i], errs[i] = s.unsealed(g.x)
	})
	return usecase.ListingOf(svcs, errs, func(i int) string { return all[i].x.svc.Name }), nil
}

// rowToChange is the row of a service about to change, locked until the
// transaction ends, refused when the change was made on a copy older than
// the stored one (version 0: whatever is stored).
func (s *Store) rowToChange(ctx context.Context, tx pgx.Tx, name string, version int64) (row, error) {
	x, err := s.getRow(ctx, tx, name, true)
	if err != nil {
		return row{}, err
	}
	if version != 0 && x.svc.Version != version {
		return row{}, usecase.Stale(x.svc.Name, x.svc.UpdatedBy, x.svc.UpdatedAt)
	}
	return x, nil
}

// UpdateService edits a service in one transaction, on its row locked
// (see usecase.ServiceStore). An error from fn is returned as is and
// nothing is written.
func (s *Store) UpdateService(name string, version int64, fn func(*tenant.Service) error) error {
	now := s.stamp()
	return s.write(func(ctx context.Context, tx pgx.Tx) error {
		x, err := s.rowToChange(ctx, tx, name, version)
		if err != nil {
			return err
		}
		before := x.svc
		svc, err := usecase.ApplyEdit(before, fn, now, s.actor.Engineer)
		if err != nil {
			return err
		}
		if tenant.NameKey(svc.Customer) != tenant.NameKey(before.Customer) {
			if svc.Customer, err = customerOf(ctx, tx, svc.Customer); err != nil {
				return err
			}
		} else {
			svc.Customer = before.Customer
		}
		x.svc = svc
		if _, err := tx.Exec(ctx, updateService, rowArgs(x)...); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, usecase.ActionServiceEdited, svc.Customer, svc.Name, usecase.DescribeEdit(before, svc))
	})
}

// DeleteService removes a service and its whole validation history (the
// foreign key cascades).
func (s *Store) DeleteService(name string, version int64) error {
	now := s.stamp()
	return s.write(func(ctx context.Context, tx pgx.Tx) error {
		x, err := s.rowToChange(ctx, tx, name, version)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `delete from services where key = $1`, tenant.NameKey(x.svc.Name)); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, usecase.ActionServiceDeleted, x.svc.Customer, x.svc.Name, "with its validation history")
	})
}

// recordVersion is the "v" field of every stored report. A report with a
// higher one was written by a newer onboard.
const recordVersion = 1

type reportRecord struct {
	V int `json:"v"`
	tenant.ValidationReport
}

// maxRecord bounds a stored report: the validator caps every text it
// keeps, so a bigger one is an error to report for that entry, never a
// batch lost.
const maxRecord = 1 << 20

func encodeReport(r tenant.ValidationReport) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(reportRecord{V: recordVersion, ValidationReport: r}); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > maxRecord {
		return nil, fmt.Errorf("the report is too large to store (%d bytes, at most %d)", len(b), maxRecord)
	}
	return b, nil
}

func decodeReport(service string, id int64, js []byte) (tenant.ValidationReport, error) {
	var r reportRecord
	if err := json.Unmarshal(js, &r); err != nil {
		return tenant.ValidationReport{}, usecase.Errorf([]error{usecase.ErrDamaged},
			"validation report %d of service %s is damaged (%v): `onboard db check` lists what is damaged", id, service, err)
	}
	if r.V > recordVersion {
		return tenant.ValidationReport{}, usecase.Errorf([]error{usecase.ErrNewerSchema},
			"validation report %d of service %s was written by a newer onboard: upgrade onboard", id, service)
	}
	return r.ValidationReport, nil
}
