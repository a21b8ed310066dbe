package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"

	"onboard/tenant/usecase"
)

// migrationFiles are the schema's versions, applied in order: a new
// version is a new file (NNN_what.sql), never an edit of a released one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// versionTable holds the schema version (tern's table, one row).
const versionTable = "onboard_schema_version"

// schemaLock serialises the creation of Options.Schema between processes
// (tern takes its own lock for the migrations).
const schemaLock = int64(0x6f6e626f61726401) // "onboard" 01

// SchemaVersion is the newest schema this build knows: the number of
// migrations it carries.
func SchemaVersion() int {
	files, err := migrate.FindMigrations(migrationsDir())
	if err != nil {
		panic(err) // the embedded files are part of the build
	}
	return len(files)
}

func migrationsDir() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// migrate brings the database to this build's schema: the schema (the
// namespace) is created when missing, then tern applies each migration
// the database lacks in a transaction of its own, under an advisory lock,
// and reads the version under that lock, so processes starting at once
// apply each migration exactly once. A database at a newer version is
// refused before anything is written.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return s.fail(err)
	}
	defer conn.Release()
	if s.schema != "" {
		if err := s.createSchema(ctx, conn.Conn()); err != nil {
			return err
		}
	}
	m, err := migrate.NewMigrator(ctx, conn.Conn(), versionTable)
	if err != nil {
		return s.fail(fmt.Errorf("prepare the schema: %w", err))
	}
	if err := m.LoadMigrations(migrationsDir()); err != nil {
		return fmt.Errorf("the schema migrations built into onboard: %w", err)
	}
	known := int32(len(m.Migrations))
	current, err := m.GetCurrentVersion(ctx)
	if err != nil {
		return s.fail(err)
	}
	switch {
	case current > known:
		return s.newer(current, known)
	case current == known:
		return nil
	}
	if err := m.Migrate(ctx); err != nil {
		var bad migrate.BadVersionError
		if errors.As(err, &bad) {
			// Another process migrated past this build meanwhile.
			if now, verr := m.GetCurrentVersion(ctx); verr == nil && now > known {
				return s.newer(now, known)
			}
		}
		return s.fail(fmt.Errorf("upgrade the schema of %s from version %d to %d: %w", s.where, current, known, err))
	}
	return nil
}

func (s *Store) newer(have, known int32) error {
	return usecase.Errorf([]error{usecase.ErrNewerSchema},
		"the team database %s was written by a newer onboard (schema %d, this build knows %d): upgrade onboard", s.where, have, known)
}

func (s *Store) createSchema(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, "select pg_advisory_lock($1)", schemaLock); err != nil {
		return s.fail(err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "select pg_advisory_unlock($1)", schemaLock) //nolint:errcheck // released with the session anyway
	var exists bool
	if err := conn.QueryRow(ctx, "select exists (select 1 from pg_namespace where nspname = $1)", s.schema).Scan(&exists); err != nil || exists {
		return s.fail(err) // a replica cannot create it, and need not
	}
	if _, err := conn.Exec(ctx, "create schema if not exists "+pgx.Identifier{s.schema}.Sanitize()); err != nil {
		return s.fail(fmt.Errorf("create the schema %s: %w", s.schema, err))
	}
	return nil
}
