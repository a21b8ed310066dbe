package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"onboard/store/bolt"
	"onboard/store/postgres"
	"onboard/store/seal"
	"onboard/tenant/present"
	"onboard/tenant/usecase"
)

// The commands a team's database needs (and a laptop's too): the audit
// trail, checking, backing up and copying a database, and rotating the
// sealing key. Each binds its flags and calls one function of the backend
// or the use cases.

func (a *app) auditCommand() *cobra.Command {
	var (
		service, since string
		asJSON         bool
	)
	c := &cobra.Command{
		Use:   "audit",
		Short: "Who changed what, when and from where (never a secret), newest first",
		Example: `  onboard audit --service CONTOSO01
  onboard audit --since 2026-11-01 --json`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			var from time.Time
			if since != "" {
				var err error
				if from, err = parseSince(since); err != nil {
					return err
				}
			}
			var entries []usecase.AuditEntry
			err := a.withCases(func(c *usecase.Cases) (err error) {
				entries, err = c.Store().Audit(usecase.AuditFilter{Service: service, Since: from})
				return storeErrorOrNil("read the audit trail", err)
			})
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]present.AuditJSON, len(entries))
				for i, e := range entries {
					out[i] = present.AuditJSON{At: e.At.UTC(), Engineer: e.Engineer, Host: e.Host, Action: e.Action, Customer: e.Customer, Service: e.Service, Detail: e.Detail}
				}
				return writeJSON(a.stdout, out)
			}
			if len(entries) == 0 {
				fmt.Fprintln(a.stdout, "Nothing in the audit trail matches.")
				return nil
			}
			clock := present.NewClock(a.now())
			tw := table(a.stdout)
			fmt.Fprintln(tw, "WHEN\tENGINEER\tHOST\tACTION\tCUSTOMER\tSERVICE\tDETAIL")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", clock.Time(e.At), present.Or(e.Engineer), present.Or(e.Host), e.Action,
					present.Or(e.Customer), present.Or(e.Service), e.Detail)
			}
			return tw.Flush()
		}),
	}
	f := c.Flags()
	f.StringVar(&service, "service", "", "only this service's entries (its short name)")
	f.StringVar(&since, "since", "", "only entries from this day (YYYY-MM-DD, the engineer's time zone) or moment (RFC 3339) on")
	f.BoolVar(&asJSON, "json", false, "print JSON: [{at, engineer, host, action, customer, service, detail}]")
	_ = c.RegisterFlagCompletionFunc("service", a.completeServiceNames)
	return c
}

// parseSince reads --since: a day in the local time zone, or a moment.
func parseSince(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--since must be a day (2026-11-01) or a moment in RFC 3339 (2026-11-01T09:00:00Z)")
}

// storeErrorOrNil is storeError for an error that may be nil.
func storeErrorOrNil(doing string, err error) error {
	if err == nil {
		return nil
	}
	return storeError(doing, err)
}

func (a *app) dbCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "db",
		Short: "Check, back up, or copy the database",
		Example: `  onboard db check
  onboard db backup ~/onboard-$(date +%F).db
  onboard db copy --from ~/.local/share/onboard/onboard.db --to "$TEAM_DB"`,
	}
	group(c)
	c.AddCommand(a.dbCheckCommand(), a.dbBackupCommand(), a.dbCopyCommand())
	return c
}

func (a *app) dbCheckCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Read every record and unseal every secret; say what is damaged (exit 1)",
		Long: `Read the whole database: every customer, service, validation report and
audit entry decoded, every client secret unsealed with the key, and for a
bbolt file its own page check. Each problem names the record; exit 1 when
there is any.`,
		Example: `  onboard db check
  onboard --db postgres://onboard@db.example.internal/onboard db check`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			ch, ok := st.(usecase.Checker)
			if !ok {
				return failedf("this database cannot be checked")
			}
			res, err := ch.Check(a.ctx)
			if err != nil {
				return storeError("check the database", err)
			}
			fmt.Fprintf(a.stdout, "Read %d customers, %d services, %d validation reports and %d audit entries.\n",
				res.Customers, res.Services, res.Reports, res.AuditEntries)
			if res.OK() {
				fmt.Fprintln(a.stdout, "Every record is readable and every secret unseals.")
				return nil
			}
			for _, p := range res.Problems {
				fmt.Fprintf(a.stdout, "  ✗ %s\n", p)
			}
			return failedf("%d problem(s): restore the database from a backup (onboard db backup makes one), or replace the secrets named", len(res.Problems))
		}),
	}
}

func (a *app) dbBackupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to a new bbolt file (0600) while others keep working",
		Long: `Write the whole database to FILE, a new bbolt file (mode 0600) that
onboard opens with the same key: --db FILE. The secrets stay sealed; the
key is not in the file, so keep the key (ONBOARD_KEY or the key file) and
the backup apart. A team database is written to the same kind of file.`,
		Example: `  onboard db backup ~/backups/onboard-$(date +%F).db`,
		Args:    exactArgs(1, "the new backup file"),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			b, ok := st.(usecase.Backuper)
			if !ok {
				return failedf("this database cannot be backed up")
			}
			res, err := b.Backup(a.ctx, args[0])
			if err != nil {
				return storeError("back up the database", err)
			}
			fmt.Fprintf(a.stdout, "Backed up %d customers, %d services, %d validation reports and %d audit entries to %s (%d bytes). Keep the key apart from it.\n",
				res.Customers, res.Services, res.Reports, res.AuditEntries, res.Path, res.Bytes)
			return nil
		}),
	}
}

func (a *app) dbCopyCommand() *cobra.Command {
	var from, to, fromKeyFile string
	c := &cobra.Command{
		Use:   "copy --from PATH --to DB [--from-key-file FILE]",
		Short: "Copy a laptop's inventory (customers, services, secrets, histories) into another database",
		Long: `Copy every customer, service and validation history from a bbolt file into
another database (a team's PostgreSQL, or another file). Each secret is
unsealed with the source's key (the key file beside it, or --from-key-file)
and sealed again with the target's key (ONBOARD_KEY / ONBOARD_KEY_FILE). A
service the target already has is skipped when it is the same (customer,
license, users, tenant and app IDs, secret hint) and refused when it
differs. Exit 0 when nothing was refused, 1 otherwise; a re-run copies
nothing.`,
		Example: `  onboard db copy --from ~/.local/share/onboard/onboard.db \
      --to 'postgres://onboard@db.example.internal:5432/onboard?sslmode=verify-full'`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			switch {
			case from == "" || to == "":
				return usagef("give the source file with --from and the target database with --to")
			case postgres.IsURL(from):
				return usagef("--from is a bbolt file (a team database is backed up with onboard db backup)")
			}
			// The source's key: --from-key-file, else the key file beside
			// it, else the key this shell gives (ONBOARD_KEY /
			// ONBOARD_KEY_FILE), as for the source's own commands.
			var fromKey seal.Loaded
			var err error
			switch beside := filepath.Join(filepath.Dir(from), seal.KeyFileName); {
			case fromKeyFile != "":
				fromKey, err = seal.LoadFile(fromKeyFile, false)
			case fileExists(beside):
				fromKey, err = seal.LoadFile(beside, false)
			default:
				fromKey, err = seal.Load(seal.Source{Getenv: a.getenv})
			}
			if err != nil {
				return storeError("load the source's key", err)
			}
			src, err := bolt.Open(from, bolt.Options{Keys: seal.NewKeyring(fromKey.Key), ReadOnly: true, Actor: a.actor()})
			if err != nil {
				return storeError("open the source "+from, err)
			}
			defer src.Close()
			a.dbPath = to
			dst, err := a.openStore()
			if err != nil {
				return err
			}
			defer dst.Close()
			res, err := usecase.CopyInventory(a.ctx, src, dst, usecase.CopyOptions{Progress: a.copyProgress()})
			fmt.Fprintf(a.stdout, "Copied %d customers and %d services; skipped %d already there; refused %d.\n",
				len(res.CustomersCopied), len(res.Copied), len(res.Skipped), len(res.Refused))
			for _, r := range res.Refused {
				fmt.Fprintf(a.stdout, "  ✗ %s: %v\n", r.Name, r.Err)
			}
			if err != nil {
				return storeError("copy the inventory", err)
			}
			if len(res.Refused) > 0 {
				return failedf("%d service(s) refused: the target has a different service by that name", len(res.Refused))
			}
			return nil
		}),
	}
	f := c.Flags()
	f.StringVar(&from, "from", "", "the bbolt file to copy from")
	f.StringVar(&to, "to", "", "the database to copy into: a postgres:// URL or a bbolt file")
	f.StringVar(&fromKeyFile, "from-key-file", "", "the source's key file (default: onboard.key beside --from)")
	return c
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// copyProgress draws a copy's progress on a terminal's stderr.
func (a *app) copyProgress() func(done, total int) {
	var p *progress
	return func(done, total int) {
		if p == nil {
			p = newProgress(a.stderr, total, a.now)
		}
		p.step(done - p.done)
		if done == total {
			p.finish()
		}
	}
}

func (a *app) keyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "key",
		Short:   "Rotate the key the client secrets are sealed with",
		Example: `  onboard key rotate --new-key-file ~/.local/share/onboard/onboard-2027.key`,
	}
	group(c)
	c.AddCommand(a.keyRotateCommand())
	return c
}

func (a *app) keyRotateCommand() *cobra.Command {
	var newKeyFile string
	c := &cobra.Command{
		Use:   "rotate --new-key-file FILE",
		Short: "Re-seal every client secret with a new key (created 0600 when the file is missing)",
		Long: `Re-seal every client secret with the key in FILE, a batch per transaction.
The current key comes from ONBOARD_KEY / ONBOARD_KEY_FILE as always. While
it runs, and after an interruption, both keys are accepted; running it
again finishes the job. Once every secret is sealed with the new key, the
database accepts only the new key: point ONBOARD_KEY_FILE at FILE (every
engineer of a team) and the old key can be destroyed.`,
		Example: `  onboard key rotate --new-key-file ~/.local/share/onboard/onboard-2027.key
  export ONBOARD_KEY_FILE=~/.local/share/onboard/onboard-2027.key`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			if newKeyFile == "" {
				return usagef("give the new key's file with --new-key-file (it is created when missing)")
			}
			where, err := a.dbFile()
			if err != nil {
				return err
			}
			old, err := a.loadKey(where)
			if err != nil {
				return err
			}
			fresh, err := seal.LoadFile(newKeyFile, true)
			if err != nil {
				return storeError("load the new key", err)
			}
			if fresh.Key.ID() == old.Key.ID() {
				return usagef("the new key file holds the key in use (key %s): give a new file", old.Key.ID())
			}
			st, err := a.openStoreWith(seal.NewKeyring(fresh.Key, old.Key))
			if err != nil {
				return err
			}
			defer st.Close()
			rk, ok := st.(usecase.Rekeyer)
			if !ok {
				return failedf("this database cannot rotate its key")
			}
			res, err := rk.Rekey(a.ctx, usecase.RekeyOptions{AfterBatch: func(n int) error {
				if a.ctx.Err() != nil {
					return a.ctx.Err()
				}
				if isTerminal(a.stderr) {
					fmt.Fprintf(a.stderr, "\r\033[Kre-sealed %d", n)
				}
				return nil
			}})
			if isTerminal(a.stderr) {
				fmt.Fprint(a.stderr, "\r\033[K")
			}
			fmt.Fprintf(a.stdout, "Re-sealed %d client secret(s) with key %s.\n", res.Resealed, fresh.Key.ID())
			for _, u := range res.Unreadable {
				fmt.Fprintf(a.stdout, "  ✗ %s: %v\n", u.Name, u.Err)
			}
			switch {
			case errors.Is(err, a.ctx.Err()) && a.ctx.Err() != nil:
				return interruptedf("interrupted: both keys are accepted until the rotation is finished; run the same command again")
			case err != nil:
				return storeError("rotate the key", err)
			case !res.Complete():
				return failedf("the rotation is not finished: keys %s are still in use; replace the secrets named above, then run it again", strings.Join(res.KeyIDs, ", "))
			}
			// ONBOARD_KEY wins over ONBOARD_KEY_FILE: pointing the file
			// variable at the new key is not enough while it is set.
			use := fmt.Sprintf("%s=%s", seal.EnvKeyFile, newKeyFile)
			if strings.TrimSpace(a.getenv(seal.EnvKey)) != "" {
				use = fmt.Sprintf("unset %s and set %s, or set %s to the file's line", seal.EnvKey, use, seal.EnvKey)
			}
			fmt.Fprintf(a.stdout, "Every secret is sealed with the new key; the database now accepts only it. Use it from now on (%s) and destroy the old key%s.\n",
				use, retired(res.Retired))
			return nil
		}),
	}
	c.Flags().StringVar(&newKeyFile, "new-key-file", "", "the new key's file (created 0600 with a random key when missing)")
	return c
}

func retired(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (" + strings.Join(ids, ", ") + ")"
}
