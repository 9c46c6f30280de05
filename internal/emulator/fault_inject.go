package emulator

import (
	"net/http"
)

// faultResult is what injectFault did with a request.
type faultResult int

const (
	faultPass     faultResult = iota // nothing answered: route the request normally
	faultAnswered                    // a complete answer was written
	faultAborted                     // the answer must not be completed: cut the connection
)

// injectFault applies f to a request. A pure delay passes the request on.
// When the client gives up or the server closes during a delay, a hang or a
// drip, the result is faultAborted: the caller cuts the connection, so the
// client never mistakes the end for an (empty) answer.
// body is the request body, already read (bufferBody): net/http notices a
// client that went away only once the body has been consumed.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, kind requestKind, f *fault, body []byte) faultResult {
	if f.DelayMs > 0 && !s.wait(r, msDuration(f.DelayMs)) {
		return faultAborted
	}
	switch {
	case f.Hang:
		s.wait(r, 0)
		return faultAborted
	case f.Redirect != "":
		s.answerRedirect(w, r, kind, f)
		return faultAnswered
	case !f.answers():
		return faultPass
	}
	a := s.faultAnswer(r, kind, f, body)
	if f.DripMs > 0 {
		return s.drip(w, r, a, f)
	}
	a.sendTo(w)
	return faultAnswered
}

// faultAnswer builds the answer a fault gives, in a buffer: an error for
// status or echo, half the real answer for malformed, the real answer
// (with another @odata.nextLink for nextLink) otherwise.
func (s *Server) faultAnswer(r *http.Request, kind requestKind, f *fault, body []byte) *bufferWriter {
	a := newBufferWriter()
	switch {
	case f.Body != nil:
		a.verbatim(r, f)
	case f.Status != 0:
		var echo *echoed
		if f.Echo {
			echo = echoOf(r, body)
		}
		s.answerFault(a, r, kind, f, echo)
	case f.Malformed:
		s.route(kind, a, r)
		a.truncate()
	default:
		s.route(kind, a, r)
		if f.NextLink != "" {
			s.rewriteNextLink(r, a, f.NextLink)
		}
	}
	return a
}
