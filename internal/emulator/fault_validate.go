package emulator

import (
	"errors"
	"net/http"
	"net/url"
)

// validate checks a fault of POST /_emulator/faults and fills in its
// defaults (count 1, status 400 for echo, 307 for redirect).
func (f *fault) validate() error {
	if f.Status == 0 && f.DelayMs <= 0 && !f.Malformed && !f.Echo && f.Redirect == "" &&
		f.DripMs <= 0 && f.NextLink == "" && !f.Hang && f.Body == nil {
		return errors.New("a fault needs status, delayMs, malformed, echo, redirect, dripMs, nextLink, hang or body")
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		return errors.New("status must be an HTTP status code")
	}
	if f.DelayMs < 0 || f.DripMs < 0 || f.DripLimit < 0 {
		return errors.New("delayMs, dripMs and dripLimit cannot be negative")
	}
	for _, check := range []func() error{f.checkHang, f.checkRedirect, f.checkEcho, f.checkAnswerKinds, f.checkDrip, f.checkNextLink} {
		if err := check(); err != nil {
			return err
		}
	}
	if f.Count == 0 {
		f.Count = 1
	}
	return nil
}

// answers reports whether the fault makes the answer itself (a pure delay
// lets the request through afterwards).
func (f *fault) answers() bool {
	return f.Status != 0 || f.Malformed || f.Echo || f.Redirect != "" || f.DripMs > 0 || f.NextLink != "" || f.Hang || f.Body != nil
}

func (f *fault) checkHang() error {
	if f.Hang && (f.Status != 0 || f.Malformed || f.Echo || f.Redirect != "" || f.DripMs > 0 || f.NextLink != "") {
		return errors.New("hang answers nothing: it excludes status, malformed, echo, redirect, drip and nextLink")
	}
	return nil
}

func (f *fault) checkRedirect() error {
	if f.Redirect == "" {
		return nil
	}
	u, err := url.Parse(f.Redirect)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("redirect must be an absolute http or https URL")
	}
	if f.Status == 0 {
		f.Status = http.StatusTemporaryRedirect
	}
	switch f.Status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return errors.New("a redirect's status must be 301, 302, 303, 307 or 308")
	}
	if f.Malformed || f.Echo || f.DripMs > 0 || f.NextLink != "" {
		return errors.New("redirect excludes malformed, echo, drip and nextLink")
	}
	return nil
}

func (f *fault) checkEcho() error {
	if !f.Echo {
		return nil
	}
	if f.Status == 0 {
		f.Status = http.StatusBadRequest
	}
	if f.Status < 400 || f.Status > 499 {
		return errors.New("an echo answers a 4xx status")
	}
	return nil
}

// checkAnswerKinds keeps apart the faults that each make the body: an error
// (status), half the real body (malformed) and the real body with another
// next link.
func (f *fault) checkAnswerKinds() error {
	if f.Status != 0 && f.Malformed {
		return errors.New("status and malformed exclude each other (malformed answers 200)")
	}
	if f.NextLink != "" && (f.Status != 0 || f.Malformed) {
		return errors.New("nextLink rewrites the real answer: it excludes status and malformed")
	}
	if f.Body != nil && (f.Malformed || f.Echo || f.NextLink != "" || f.Redirect != "" || f.Hang) {
		return errors.New("body is the whole answer: it excludes malformed, echo, nextLink, redirect and hang")
	}
	return nil
}

func (f *fault) checkDrip() error {
	if (f.DripLimit > 0 || f.DripEndless) && f.DripMs <= 0 {
		return errors.New("dripLimit and dripEndless need dripMs")
	}
	if f.DripLimit > 0 && f.DripEndless {
		return errors.New("dripLimit and dripEndless exclude each other")
	}
	return nil
}

func (f *fault) checkNextLink() error {
	switch f.NextLink {
	case "", nextLinkSame, nextLinkLoop:
		return nil
	}
	u, err := url.Parse(f.NextLink)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New(`nextLink must be "same", "loop" or an absolute http or https URL`)
	}
	return nil
}
