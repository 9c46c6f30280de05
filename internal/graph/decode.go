package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// DecodeError reports a 2xx answer whose body was not the JSON we expected.
type DecodeError struct {
	Method    string // the request, when known: "GET"
	Path      string // and its URL path: "/beta/servicePrincipals/…"
	RequestID string
	Err       error
}

func (e *DecodeError) Error() string {
	req := ""
	if r := strings.TrimSpace(e.Method + " " + e.Path); r != "" {
		req = " to " + r
	}
	return fmt.Sprintf("unexpected response from Graph%s (request-id %s): %v", req, orNone(e.RequestID), e.Err)
}
func (e *DecodeError) Unwrap() error { return e.Err }

// NewDecodeError reports that resp's body is not what was expected (err
// says how), naming the request. When Graph may have acted on the request
// (a POST), the error says so: a 2xx answer we cannot read does not mean
// nothing happened.
func NewDecodeError(resp *Response, err error) error {
	derr := &DecodeError{Method: resp.Method, Path: resp.URLPath, RequestID: resp.RequestID, Err: err}
	if resp.Method != "" && !repeatable(resp.Method) {
		return &MaybeAppliedError{Method: resp.Method, Path: resp.URLPath, Err: derr}
	}
	return derr
}

// DecodeObject decodes resp's body, which must be a JSON object, into out
// (a pointer). An empty body, null, an array, a string or a number is an
// "unexpected response" error naming the request — never decoded as an
// empty value, which would read as "nothing yet" (e.g. a pending outcome).
func DecodeObject(resp *Response, out any) error {
	b := bytes.TrimSpace(resp.Body)
	if len(b) == 0 {
		return NewDecodeError(resp, errors.New("empty body where a JSON object was expected"))
	}
	if b[0] != '{' {
		return NewDecodeError(resp, fmt.Errorf("%s where a JSON object was expected", jsonKind(b)))
	}
	if err := json.Unmarshal(b, out); err != nil {
		return NewDecodeError(resp, err)
	}
	return nil
}

// jsonKind names what a body holds instead of an object.
func jsonKind(b []byte) string {
	if !json.Valid(b) {
		return "a body that is not JSON"
	}
	switch b[0] {
	case 'n':
		return "null"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// decodeInto is DecodeObject for Get, Post and DoJSON: nil out reads
// nothing, and a 204 No Content leaves out untouched.
func decodeInto(resp *Response, out any) error {
	if out == nil || (resp.StatusCode == http.StatusNoContent && len(bytes.TrimSpace(resp.Body)) == 0) {
		return nil
	}
	return DecodeObject(resp, out)
}
