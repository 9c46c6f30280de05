package provision

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// Defaults and bounds of `provision logs --follow`.
const (
	DefaultFollowInterval = 10 * time.Second
	DefaultFollowLag      = 5 * time.Minute
	// FollowReadCap bounds the entries one poll reads (its window, newest
	// first); a window that holds more gives up its oldest entries.
	FollowReadCap = 2000
	// followPageSize is the $top of each page a poll reads.
	followPageSize = 500
	// followMaxBackoff bounds the wait after failed polls in a row.
	followMaxBackoff = 2 * time.Minute
)

// FollowRequest says what `provision logs --follow` reads and how often.
type FollowRequest struct {
	// Query holds the filters (service principal, job, subject, change
	// id, status, action); the follower sets the time bound and paging.
	Query LogQuery
	// ServicePrincipalID is given to each Outcome, as FromLog takes it.
	ServicePrincipalID string
	// Since, when set, shows the entries since then first; otherwise only
	// entries that appear after the start are shown.
	Since time.Time
	// Lag is how late an entry may appear and still be shown: each poll
	// reads the entries of the last Lag again (default DefaultFollowLag).
	Lag time.Duration
	// Interval is the time between polls (default DefaultFollowInterval).
	Interval time.Duration
	// Limit ends the follow after this many entries; 0 means never.
	Limit int
	// RequestTimeout bounds each poll, its pages and retries included; 0
	// leaves it to ctx.
	RequestTimeout time.Duration
	// Now and After are time.Now and time.After unless a test sets them.
	Now   func() time.Time
	After func(d time.Duration) <-chan time.Time
	// OnRetry is told of an error the follow outlives (throttling, a 5xx,
	// the network, a poll that took too long) and of the wait before the
	// next poll.
	OnRetry func(err error, wait time.Duration)
	// OnCapped is told, once, that a poll's window held more than
	// FollowReadCap entries: entries that appear later with a time before
	// oldest (the oldest one read) will not be shown.
	OnCapped func(oldest time.Time)
}

// FollowLogs polls the provisioning logs every Interval and calls show
// with each poll's new entries, oldest first, until ctx ends (its error is
// returned), Limit entries were shown (nil), show fails, or a poll fails
// in a way that waiting cannot mend: a refused token or permission, a bad
// request, or any error before the first poll succeeded. Throttling, 5xx
// answers, network errors and polls that exceed RequestTimeout are told to
// OnRetry and followed by a longer wait (doubling, up to 2 minutes, never
// shorter than Graph's Retry-After).
func (s *Service) FollowLogs(ctx context.Context, r FollowRequest, show func([]*Outcome) error) error {
	if r.Lag <= 0 {
		r.Lag = DefaultFollowLag
	}
	if r.Interval <= 0 {
		r.Interval = DefaultFollowInterval
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.After == nil {
		r.After = time.After
	}
	f := &follower{s: s, r: r, w: newLogWindow(r.Now(), r.Since, r.Lag)}
	shown, failures := 0, 0
	for {
		delay := r.Interval
		batch, err := f.poll(ctx)
		switch {
		case err == nil:
			failures = 0
			if r.Limit > 0 && len(batch) > r.Limit-shown {
				batch = batch[:r.Limit-shown]
			}
			if len(batch) > 0 {
				if err := show(batch); err != nil {
					return err
				}
			}
			shown += len(batch)
			if r.Limit > 0 && shown >= r.Limit {
				return nil
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case f.polled && transientLogError(err):
			failures++
			delay = followBackoff(r.Interval, failures)
			if ra := retryAfter(err); ra > delay {
				delay = ra
			}
			if r.OnRetry != nil {
				r.OnRetry(err, delay)
			}
		default:
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.After(delay):
		}
	}
}

// follower is the state of one FollowLogs.
type follower struct {
	s      *Service
	r      FollowRequest
	w      *logWindow
	polled bool // a poll has succeeded
	capped bool // OnCapped was told
}

// poll reads the window once and returns the entries not shown before.
func (f *follower) poll(ctx context.Context) ([]*Outcome, error) {
	now := f.r.Now()
	q := f.r.Query
	q.Since = f.w.next(now).Format(time.RFC3339)
	q.Until, q.After = "", ""
	q.Top, q.Limit = followPageSize, FollowReadCap+1
	if f.r.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.r.RequestTimeout)
		defer cancel()
	}
	entries, raws, err := f.s.Logs(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read provisioning logs: %w", err)
	}
	whole := len(entries) <= FollowReadCap
	if !whole {
		entries, raws = entries[:FollowReadCap], raws[:FollowReadCap]
	}
	fresh := f.w.take(entries, raws, whole, now)
	if !whole && !f.capped && f.r.OnCapped != nil {
		f.capped = true
		f.r.OnCapped(f.w.floor)
	}
	f.polled = true
	out := make([]*Outcome, len(fresh))
	for k, i := range fresh {
		out[k] = FromLog(f.r.ServicePrincipalID, &entries[i], raws[i])
	}
	return out, nil
}

// transientLogError reports an error that a later poll may not meet:
// throttling, a server error, the network, or a poll that took longer
// than its bound. A certificate the machine does not trust is no such
// error: only a setting fixes it.
func transientLogError(err error) bool {
	if status := graph.StatusOf(err); status != 0 {
		return status == http.StatusTooManyRequests || status >= 500
	}
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) {
		return false
	}
	var network *graph.NetworkError
	return errors.As(err, &network) || errors.Is(err, context.DeadlineExceeded)
}

// followBackoff is the wait after n failed polls in a row: the interval
// doubled for each, up to followMaxBackoff (or the interval, if longer).
func followBackoff(interval time.Duration, n int) time.Duration {
	ceiling := max(interval, followMaxBackoff)
	d := interval
	for range n {
		d *= 2
		if d >= ceiling {
			return ceiling
		}
	}
	return d
}
