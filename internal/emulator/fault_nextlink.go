package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// The nextLink fault's special values.
const (
	nextLinkSame = "same" // @odata.nextLink is the request's own URL: the same page forever
	nextLinkLoop = "loop" // two URLs that name each other: a cycle of two pages
)

// loopParam marks the second URL of a nextLink loop. List endpoints ignore
// query parameters that are not OData options.
const loopParam = "emulatorLoop"

// rewriteNextLink sets @odata.nextLink in a 200 JSON object answer; other
// answers (errors, non-objects) are left alone.
func (s *Server) rewriteNextLink(r *http.Request, a *bufferWriter, mode string) {
	if a.code() != http.StatusOK {
		return
	}
	obj, ok := decodeRawObject(a.body.Bytes())
	if !ok {
		return
	}
	obj = obj.Set("@odata.nextLink", s.faultNextLink(r, mode))
	b, err := tenant.MarshalNoEscape(obj)
	if err != nil {
		return
	}
	a.body.Reset()
	a.body.Write(b)
	a.body.WriteByte('\n')
}

// faultNextLink is the next link a nextLink fault puts in the answer.
func (s *Server) faultNextLink(r *http.Request, mode string) string {
	switch mode {
	case nextLinkSame:
		return s.url + r.URL.RequestURI()
	case nextLinkLoop:
		q := r.URL.Query()
		if q.Has(loopParam) {
			q.Del(loopParam)
		} else {
			q.Set(loopParam, "1")
		}
		link := s.url + r.URL.EscapedPath()
		if enc := strings.NewReplacer("%24", "$", "+", "%20").Replace(q.Encode()); enc != "" {
			link += "?" + enc
		}
		return link
	}
	return mode
}

// decodeRawObject reads a JSON object keeping its members' order and raw
// values.
func decodeRawObject(text []byte) (tenant.Object, bool) {
	dec := json.NewDecoder(bytes.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var obj tenant.Object
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		obj = obj.Append(tok.(string), v)
	}
	return obj, true
}
