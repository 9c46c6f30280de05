package graph

import (
	"errors"
	"net/http"
	"strings"
)

// MaybeAppliedError is the failure of a request that changes something (a
// POST: provisionOnDemand, start, pause, restart) after it was sent: the
// connection broke or was interrupted before the answer came, Graph or a
// gateway answered 500, 502 or 504, or the 2xx answer could not be read.
// Graph may have acted on it, so it is never repeated automatically and the
// message says to check before running it again.
type MaybeAppliedError struct {
	Method, Path string
	Err          error
}

func (e *MaybeAppliedError) Error() string { return e.Err.Error() + "; " + e.Note() }

// Note is what the user must know: the request may have been applied, and
// how to check before running it again.
func (e *MaybeAppliedError) Note() string {
	return "the request was sent and may have been applied; " + appliedCheck(e.Path) + " before running it again"
}

func (e *MaybeAppliedError) Unwrap() error { return e.Err }

// MayHaveBeenApplied reports whether err is (or wraps) a MaybeAppliedError.
func MayHaveBeenApplied(err error) bool {
	var m *MaybeAppliedError
	return errors.As(err, &m)
}

// appliedCheck names the read-only command that shows whether Graph acted.
func appliedCheck(path string) string {
	if strings.HasSuffix(path, "/provisionOnDemand") {
		return "check with `provctl provision poll` / `provctl provision logs`"
	}
	return "check with `provctl job show`"
}

// repeatable methods change nothing, so sending them twice is harmless.
func repeatable(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// maybeApplied wraps the final error of a non-repeatable request that was
// sent when Graph may have acted on it. Graph's 4xx answers and its 503
// ("not processed") mean it did not; a refused redirect or a local problem
// means the request never reached the service that would act.
func maybeApplied(method, target string, sent bool, err error) error {
	if repeatable(method) || !sent || err == nil {
		return err
	}
	var (
		rerr *RedirectError
		lerr *LocalError
	)
	switch status := StatusOf(err); {
	case status != 0:
		if status < 500 || status == http.StatusServiceUnavailable {
			return err
		}
	case errors.As(err, &rerr), errors.As(err, &lerr):
		return err
	}
	return &MaybeAppliedError{Method: method, Path: urlPath(target), Err: err}
}
