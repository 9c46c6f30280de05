package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// MaxLine bounds one journal line, so a corrupt file is an error, not an
// out-of-memory crash. Outcomes are a few kilobytes.
const MaxLine = 16 << 20

var errTooLong = fmt.Errorf("line longer than %d bytes", MaxLine)

// rawLine is what resume needs from an outcome. Both "request" (the
// Outcome field) and "requested" are accepted.
type rawLine struct {
	State   string `json:"state"`
	Subject *struct {
		ID string `json:"id"`
	} `json:"subject"`
	Request            *rawRequest `json:"request"`
	Requested          *rawRequest `json:"requested"`
	ChangeID           string      `json:"changeId"`
	ServicePrincipalID string      `json:"servicePrincipalId"`
	JobID              string      `json:"jobId"`
}

type rawRequest struct {
	Ref    string     `json:"ref"`
	ID     string     `json:"id"`
	SentAt *time.Time `json:"sentAt"`
}

// parseLine decodes one line; it must be an object with a state and
// something to match a subject by.
func parseLine(b []byte) (Record, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return Record{}, errors.New("not a JSON object")
	}
	var raw rawLine
	if err := json.Unmarshal(b, &raw); err != nil {
		return Record{}, err
	}
	rec := Record{State: strings.ToLower(raw.State)}
	if rec.State == "" {
		return Record{}, errors.New(`no "state"`)
	}
	if raw.Subject != nil {
		rec.SubjectID = raw.Subject.ID
	}
	req := raw.Request
	if req == nil {
		req = raw.Requested
	}
	if req != nil {
		rec.Ref, rec.RequestedID = req.Ref, req.ID
		if req.SentAt != nil {
			rec.SentAt = *req.SentAt
		}
	}
	rec.ChangeID = raw.ChangeID
	rec.ServicePrincipalID, rec.JobID = raw.ServicePrincipalID, raw.JobID
	if rec.id() == "" && rec.Ref == "" {
		return Record{}, errors.New(`no "subject.id", "request.id" or "request.ref"`)
	}
	return rec, nil
}

// readLine reads one line of at most MaxLine bytes. nl reports whether it
// ended with a newline; n is its length in bytes. A longer line is
// skipped to its end, so the caller can still tell whether it is the torn
// tail of the file, and reported as errTooLong.
func readLine(r *bufio.Reader, buf []byte) (line []byte, n int64, nl bool, err error) {
	line = buf[:0]
	tooLong := false
	for {
		chunk, rerr := r.ReadSlice('\n')
		n += int64(len(chunk))
		if !tooLong {
			if len(line)+len(chunk) > MaxLine+1 { // +1: the newline
				tooLong, line = true, buf[:0]
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case rerr == nil:
			nl = true
		case errors.Is(rerr, bufio.ErrBufferFull):
			continue
		case errors.Is(rerr, io.EOF):
		default:
			return nil, n, false, rerr
		}
		if nl {
			line = line[:len(line)-min(len(line), 1)]
		}
		if tooLong {
			return nil, n, nl, errTooLong
		}
		return line, n, nl, nil
	}
}

func isBlank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }
