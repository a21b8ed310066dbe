package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"onboard/tenant/usecase"
)

var _ usecase.Watcher = (*Store)(nil)

// channel is the LISTEN/NOTIFY channel of the store's schema: the
// migration's trigger notifies it on every committed write to customers,
// services and history.
func (s *Store) channel() string { return "onboard:" + s.schema }

// Changes delivers what teammates (and this process) change, from a
// connection of its own that LISTENs on the schema's channel (see
// usecase.Watcher). A lost connection is reopened, a second later and
// then up to every 30 seconds, and followed by a Change with no names:
// what was missed meanwhile is unknown. The channel is closed when ctx is
// done.
func (s *Store) Changes(ctx context.Context) (<-chan usecase.Change, error) {
	conn, err := s.listen(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan usecase.Change, 64)
	go func() {
		defer close(out)
		backoff := time.Second
		for {
			if conn != nil {
				err := s.relay(ctx, conn, out)
				_ = conn.Close(context.Background())
				conn = nil
				if ctx.Err() != nil {
					return
				}
				_ = err // the connection is reopened below
				backoff = time.Second
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			if conn, err = s.listen(ctx); err != nil {
				conn = nil
				backoff = min(backoff*2, 30*time.Second)
				continue
			}
			select {
			case out <- usecase.Change{}:
			case <-ctx.Done():
				_ = conn.Close(context.Background())
				return
			}
		}
	}()
	return out, nil
}

// listen opens a connection of its own (a pooled one would go back to the
// pool still listening) and LISTENs on the channel.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, s.fail(err)
	}
	if _, err := conn.Exec(cctx, "listen "+pgx.Identifier{s.channel()}.Sanitize()); err != nil {
		_ = conn.Close(context.Background())
		return nil, s.fail(err)
	}
	return conn, nil
}

// relay sends the notifications of conn to out until ctx is done or the
// connection fails.
func (s *Store) relay(ctx context.Context, conn *pgx.Conn, out chan<- usecase.Change) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var c struct {
			Customer string `json:"customer"`
			Service  string `json:"service"`
		}
		if json.Unmarshal([]byte(n.Payload), &c) != nil {
			c.Customer, c.Service = "", "" // unknown: refresh everything
		}
		select {
		case out <- usecase.Change{Customer: c.Customer, Service: c.Service}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
