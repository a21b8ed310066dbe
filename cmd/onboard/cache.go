package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"onboard/tenant/entra"
)

// envNoCache is --no-cache's variable: 1 or 0, true or false (what
// strconv.ParseBool reads); the flag, when given, wins.
const envNoCache = "ONBOARD_NO_CACHE"

// cacheDir is the validator's HTTP cache directory for this run
// (docs/validation.md, "Kept between runs"): the user's cache directory,
// or none with --no-cache / ONBOARD_NO_CACHE. Without a home directory
// there is no cache; that never stops a command.
func (a *app) cacheDir(cmd *cobra.Command) (string, error) {
	if !cmd.Flags().Changed("no-cache") {
		if v := a.getenv(envNoCache); v != "" {
			off, err := strconv.ParseBool(v)
			if err != nil {
				return "", usagef("%s must be 1 or 0, true or false (got %q)", envNoCache, v)
			}
			a.noCache = off
		}
	}
	if a.noCache {
		return "", nil
	}
	dir, err := entra.DefaultCacheDir()
	if err != nil {
		return "", nil
	}
	return dir, nil
}

func (a *app) cacheCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "cache",
		Short: "Manage onboard's cache of Entra ID's tenant metadata",
		Long: `onboard keeps each tenant's OpenID metadata, which Entra ID allows to be
kept for a day, in $XDG_CACHE_HOME/onboard (else ~/.cache/onboard), shared
by every onboard process: a tenant validated before then costs one round
trip less. Tokens, Graph answers and secrets are never kept there. The
global --no-cache (ONBOARD_NO_CACHE=1) skips it for one run.`,
		Example: `  onboard cache clear
  onboard --no-cache validate --all`,
	}
	group(c)
	c.AddCommand(&cobra.Command{
		Use:   "clear",
		Short: "Remove everything onboard has cached",
		Long: `Remove everything in onboard's cache directory. The next validation of each
tenant fetches its OpenID metadata from Entra ID again. Nothing else is
lost: the database and the key are kept elsewhere.`,
		Example: `  onboard cache clear
  XDG_CACHE_HOME=/var/cache/support onboard cache clear`,
		Args: noArgs(""),
		RunE: a.action(func(cmd *cobra.Command, args []string) error {
			dir, err := entra.DefaultCacheDir()
			if err != nil {
				return failedf("find the cache directory (set XDG_CACHE_HOME): %w", err)
			}
			n, err := entra.ClearCache(dir)
			if err != nil {
				return failedf("%w", err)
			}
			fmt.Fprintf(a.stdout, "Emptied the cache %s (%d files removed).\n", dir, n)
			return nil
		}),
	})
	return c
}
